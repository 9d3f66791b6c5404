package dev.lathe.operator.modeldeployment;

import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.ACCEPTED;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.AVAILABLE;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.DEGRADED;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.PROGRESSING;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.READY;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.operator.rollout.RolloutGate;
import dev.lathe.operator.rollout.traffic.RouteWeightsBuilder;
import dev.lathe.operator.serving.AdapterListBuilder;
import dev.lathe.operator.serving.RuntimeDeploymentBuilder;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.serving.ServingServiceBuilder;
import dev.lathe.operator.serving.SpecHash;
import dev.lathe.operator.status.StatusConditions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides what a ModelDeployment's serving needs, from a {@link ServingSnapshot} and the clock
 * alone: no client, no I/O (DESIGN.md §4, reconcile shape).
 *
 * <ol>
 *   <li>A rejected spec serves nothing new (Accepted=False; existing objects are left alone).
 *   <li>Nothing is created until the ModelVersion and every adapter's are Verified=True; meanwhile
 *       AwaitingVerification, and Degraded=ModelNotVerified when one failed its verification.
 *   <li>Then the desired objects are built; each absent one is created, each drifted one corrected.
 *       An adapter added later is listed only once its ModelVersion is verified.
 *   <li>The pods are read: a container that exited with the runtime's refusal makes the deployment
 *       Degraded with the runtime's failure kind as reason and the file in the message.
 *   <li>Objects of a version the spec no longer names are retired once the current version has
 *       every asked-for replica ready.
 *   <li>With spec.rollout, a new spec.modelVersion is instead rolled out as a canary beside the
 *       stable version, and an adapter's new ModelVersion beside the one answering its name on the
 *       same pods: {@link RolloutDecision} says which versions serve with how many pods and which
 *       adapter versions are listed at what weight, and reports the rollout's Progressing, Degraded
 *       and RolledBack.
 * </ol>
 */
public final class ServingDecision {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration recheck;
  private final RolloutDecision rollouts;

  /**
   * @param recheck how soon a spec rejected for a missing referenced object is looked at again
   * @param gate the rollout's evaluation gate, or empty in a build that has none
   */
  public ServingDecision(Duration recheck, Optional<RolloutGate> gate) {
    this.recheck = recheck;
    this.rollouts = new RolloutDecision(gate);
  }

  public ServingPlan decide(ServingSnapshot seen, Instant now) {
    ModelDeployment md = seen.deployment();
    ModelDeploymentStatus status =
        JSON.convertValue(
            Optional.ofNullable(md.getStatus()).orElseGet(ModelDeploymentStatus::new),
            ModelDeploymentStatus.class);
    long generation = Optional.ofNullable(md.getMetadata().getGeneration()).orElse(0L);
    ServingConditionWriter conditions = new ServingConditionWriter(status, generation, now);
    ServingPlan plan = new ServingPlan(status, conditions);
    status.setObservedGeneration(generation);
    status.setSelector(ServingNames.selectorString(md));
    int desired = Optional.ofNullable(md.getSpec().getReplicas()).orElse(1);

    Condition accepted = seen.acceptance().toCondition(ACCEPTED, generation);
    conditions.set(
        ACCEPTED,
        accepted.getStatus(),
        accepted.getReason(),
        accepted.getMessage(),
        seen.acceptance().accepted()
            ? ServingConditionWriter.NORMAL
            : ServingConditionWriter.WARNING);
    if (!seen.acceptance().accepted()) {
      String why = "the spec is not accepted: " + accepted.getMessage();
      quiet(conditions, AVAILABLE, ModelDeploymentConditions.NOT_ACCEPTED, why);
      quiet(conditions, PROGRESSING, ModelDeploymentConditions.NOT_ACCEPTED, why);
      rollUp(conditions);
      if (seen.acceptance().waitsOnOtherObjects()) {
        plan.next(recheck);
      }
      return plan;
    }

    String versionName = md.getSpec().getModelVersion();
    Optional<ModelVersion> seenModel = seen.version(versionName);
    List<String> unverified = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    seenModel.ifPresentOrElse(
        m -> judge("ModelVersion " + versionName, m, unverified, failed),
        () -> unverified.add("ModelVersion " + versionName + " (not seen yet)"));
    List<AdapterReference> adapters =
        Optional.ofNullable(md.getSpec().getAdapters()).orElse(List.of());
    for (AdapterReference adapter : adapters) {
      seen.version(adapter.getModelVersion())
          .ifPresentOrElse(
              v ->
                  judge(
                      "adapter "
                          + adapter.getName()
                          + " (ModelVersion "
                          + v.getMetadata().getName()
                          + ")",
                      v,
                      unverified,
                      failed),
              () ->
                  unverified.add(
                      "adapter "
                          + adapter.getName()
                          + " (ModelVersion "
                          + adapter.getModelVersion()
                          + " not seen yet)"));
    }
    Optional<Deployment> workload =
        find(seen.workloads(), ServingNames.deployment(md, versionName));
    if (seenModel.filter(ServingDecision::verified).isEmpty()
        || (workload.isEmpty() && !unverified.isEmpty())) {
      // Nothing unverified is ever served: no object exists for this version until all verify.
      awaitVerification(conditions, status, seen, versionName, unverified, failed, desired);
      rollUp(conditions);
      return plan;
    }
    ModelVersion model = seenModel.get();

    Optional<ServingTargets> rollout = rollouts.decide(seen, plan, model, now);
    ServingTargets targets =
        rollout.orElseGet(
            () ->
                new ServingTargets(
                    List.of(
                        new ServingTargets.Served(
                            versionName, Optional.of(model), desired, ServingNames.STABLE)),
                    Optional.empty()));
    // Desired objects: only verified adapters are listed; an adapter the rollout decided on is
    // listed as it decided (its stable version, and a candidate beside it).
    List<AdapterListBuilder.Entry> entries = new ArrayList<>();
    Map<String, String> answering = new LinkedHashMap<>();
    for (AdapterReference adapter : adapters) {
      Optional<ServingTargets.AdapterChoice> choice = targets.adapter(adapter.getName());
      if (choice.isPresent()) {
        ServingTargets.AdapterChoice c = choice.get();
        AdapterListBuilder.Entry entry = AdapterListBuilder.entry(c.name(), c.stable(), model);
        if (c.canary().isPresent()) {
          entry =
              entry.withCanary(
                  new AdapterListBuilder.Canary(
                      c.canary().get().getSpec().getSource().getStorage().getUri(),
                      c.canary().get().getStatus().getArtifact().getManifestDigest(),
                      c.weight()));
        }
        entries.add(entry);
        answering.put(c.name(), c.stable().getMetadata().getName());
        continue;
      }
      seen.version(adapter.getModelVersion())
          .filter(ServingDecision::verified)
          .ifPresent(v -> entries.add(AdapterListBuilder.entry(adapter.getName(), v, model)));
    }
    // While a rollout runs or stays rolled back, it says what Progressing and Degraded are.
    boolean rolloutReports = rollout.isPresent() && status.getCanaryVersion() != null;
    boolean rolledBack = rollout.isPresent() && RolloutDecision.rolledBack(status);

    // The adapter list first (pods mount it), then the Services, then the Deployments.
    List<String> applied = new ArrayList<>();
    List<Deployment> served = new ArrayList<>();
    List<String> servedLabels = new ArrayList<>();
    List<Runnable> workloads = new ArrayList<>();
    for (ServingTargets.Served version : targets.versions()) {
      servedLabels.add(ServingNames.versionLabelValue(version.name()));
      if (version.model().isPresent()) {
        ConfigMap list = AdapterListBuilder.build(md, version.name(), entries);
        reconcileChild(
            plan, applied, list, find(seen.adapterLists(), name(list)), ServingDecision::sameData);
        Optional<Deployment> observed =
            find(seen.workloads(), ServingNames.deployment(md, version.name()));
        observed.ifPresent(served::add);
        Deployment deployment =
            RuntimeDeploymentBuilder.build(
                md, version.model().get(), entries, version.replicas(), seen.inputs());
        workloads.add(
            () ->
                reconcileChild(
                    plan, applied, deployment, observed, ServingDecision::sameDeployment));
      }
      Service versionService = ServingServiceBuilder.version(md, version.name(), version.track());
      reconcileChild(
          plan,
          applied,
          versionService,
          find(seen.services(), name(versionService)),
          ServingDecision::sameService);
    }
    Service endpoint =
        targets
            .endpointOnly()
            .map(v -> ServingServiceBuilder.endpoint(md, v))
            .orElseGet(() -> ServingServiceBuilder.endpoint(md));
    reconcileChild(
        plan,
        applied,
        endpoint,
        find(seen.services(), name(endpoint)),
        ServingDecision::sameService);
    if (RouteDecision.namedRoute(md).isPresent()) {
      routeTracks(plan, applied, seen, targets, versionName);
    } else {
      // The spec routes by pod ratio again: the track Services have nothing left to do.
      for (String track : List.of(ServingNames.STABLE, ServingNames.CANARY)) {
        find(seen.services(), ServingNames.trackService(md, track))
            .ifPresent(service -> plan.step(new ServingStep.Remove(service)));
      }
    }
    workloads.forEach(Runnable::run);

    if (rollout.isEmpty()) {
      status.setStableVersion(versionName);
      status.setStableDigest(model.getStatus().getArtifact().getManifestDigest());
    }
    RouteDecision.decide(plan, applied, seen);

    int replicas =
        served.stream()
            .mapToInt(d -> count(d.getStatus() == null ? null : d.getStatus().getReplicas()))
            .sum();
    int ready =
        served.stream()
            .mapToInt(d -> count(d.getStatus() == null ? null : d.getStatus().getReadyReplicas()))
            .sum();
    int updated =
        served.stream()
            .mapToInt(d -> count(d.getStatus() == null ? null : d.getStatus().getUpdatedReplicas()))
            .sum();
    boolean controllerCaughtUp =
        served.size() == targets.versions().stream().filter(v -> v.model().isPresent()).count()
            && served.stream()
                .allMatch(
                    d ->
                        d.getStatus() != null
                            && Objects.equals(
                                d.getStatus().getObservedGeneration(),
                                d.getMetadata().getGeneration()));
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setReady(ready + "/" + desired);
    status.setAdapters(adapterStatuses(md, entries, answering, ready, desired));

    // Pods of this version that refused (or could not fetch) the artifact.
    String versionLabel = ServingNames.versionLabelValue(versionName);
    List<PodRefusal> refusals = new ArrayList<>();
    for (Pod pod : seen.pods()) {
      if (servedLabels.contains(label(pod, ServingNames.VERSION_LABEL))) {
        refusals.addAll(PodRefusal.of(pod));
      }
    }
    refusals.forEach(plan::refusal);
    Optional<PodRefusal> verdict = refusals.stream().filter(PodRefusal::isVerdict).findFirst();
    Optional<PodRefusal> shown = verdict.or(() -> refusals.stream().findFirst());
    if (rolledBack) {
      // The rollout's abort is the Degraded reason until the spec names another version.
    } else if (shown.isPresent()) {
      PodRefusal r = shown.get();
      conditions.set(
          DEGRADED,
          Condition.TRUE,
          r.reason(),
          "pod "
              + r.podName()
              + " ("
              + r.container()
              + ") refused ModelVersion "
              + versionName
              + (r.subject().map(s -> ", file " + s).orElse(""))
              + ": "
              + r.message()
              + (r.isVerdict() ? "; it never becomes ready and gets no traffic" : ""),
          ServingConditionWriter.WARNING);
    } else if (!failed.isEmpty()) {
      conditions.set(
          DEGRADED,
          Condition.TRUE,
          ModelDeploymentConditions.MODEL_NOT_VERIFIED,
          String.join("; ", failed) + "; it is not served",
          ServingConditionWriter.WARNING);
    } else {
      conditions.set(
          DEGRADED,
          Condition.FALSE,
          ModelDeploymentConditions.AS_EXPECTED,
          "no pod refused its model",
          ServingConditionWriter.NORMAL);
    }

    if (ready > 0) {
      conditions.set(
          AVAILABLE,
          Condition.TRUE,
          ModelDeploymentConditions.SERVING,
          ready
              + "/"
              + desired
              + " verified pods serve ModelVersion "
              + servingWhat(status, rolledBack),
          ServingConditionWriter.NORMAL);
    } else if (desired == 0) {
      conditions.set(
          AVAILABLE,
          Condition.FALSE,
          ModelDeploymentConditions.SCALED_TO_ZERO,
          "spec.replicas is 0",
          ServingConditionWriter.NORMAL);
    } else {
      conditions.set(
          AVAILABLE,
          Condition.FALSE,
          ModelDeploymentConditions.NO_READY_REPLICAS,
          "no pod of ModelVersion " + versionName + " is ready yet",
          null);
    }

    if (rolloutReports) {
      // The rollout decision set Progressing: its step, pause or gate says more than pod counts.
    } else if (!applied.isEmpty()) {
      conditions.set(
          PROGRESSING,
          Condition.TRUE,
          ModelDeploymentConditions.APPLYING,
          "applying " + String.join(", ", applied),
          null);
    } else if (!controllerCaughtUp || ready < desired || updated < desired || replicas > desired) {
      conditions.set(
          PROGRESSING,
          Condition.TRUE,
          ModelDeploymentConditions.PODS_STARTING,
          ready + "/" + desired + " pods ready",
          null);
    } else if (!unverified.isEmpty()) {
      conditions.set(
          PROGRESSING,
          Condition.TRUE,
          ModelDeploymentConditions.AWAITING_VERIFICATION,
          "serving; waiting to list " + String.join(", ", unverified),
          ServingConditionWriter.NORMAL);
    } else {
      conditions.set(
          PROGRESSING,
          Condition.FALSE,
          ModelDeploymentConditions.ROLLED_OUT,
          desired + "/" + desired + " pods ready with the current template",
          ServingConditionWriter.NORMAL);
    }

    // Another version's objects go once this one serves in full (no rollout: replace at once);
    // a rollout names every version it still needs, so any other goes at once.
    if (rollout.isPresent()) {
      retireOthers(plan, seen, servedLabels);
    } else if (applied.isEmpty() && ready >= desired && controllerCaughtUp) {
      retireOthers(plan, seen, List.of(versionLabel));
    }
    rollUp(conditions);
    return plan;
  }

  /** What the ready pods serve: the stable version, and a candidate while one rolls out. */
  private static String servingWhat(ModelDeploymentStatus status, boolean rolledBack) {
    if (status.getCanaryVersion() == null || rolledBack) {
      return status.getStableVersion();
    }
    return status.getCanaryAdapter() == null
        ? status.getStableVersion() + " and candidate " + status.getCanaryVersion()
        : status.getStableVersion()
            + " with adapter "
            + status.getCanaryAdapter()
            + "'s candidate "
            + status.getCanaryVersion();
  }

  /**
   * HTTPRoute traffic routing: the stable and canary track Services select the versions the targets
   * put on those tracks (the canary one falls back to stable outside a rollout), and the named
   * route carries the targets' canary weight. A route that is missing or points nowhere is left
   * alone here; a rollout waits on it and says why.
   */
  private static void routeTracks(
      ServingPlan plan,
      List<String> applied,
      ServingSnapshot seen,
      ServingTargets targets,
      String versionName) {
    ModelDeployment md = seen.deployment();
    String stable = targets.onTrack(ServingNames.STABLE).orElse(versionName);
    String canary = targets.onTrack(ServingNames.CANARY).orElse(stable);
    for (Service track :
        List.of(
            ServingServiceBuilder.track(md, ServingNames.STABLE, stable),
            ServingServiceBuilder.track(md, ServingNames.CANARY, canary))) {
      reconcileChild(
          plan, applied, track, find(seen.services(), name(track)), ServingDecision::sameService);
    }
    Optional<HTTPRoute> route = seen.route().namedRoute();
    if (route.isEmpty()) {
      return;
    }
    HTTPRoute weights;
    try {
      weights =
          RouteWeightsBuilder.apply(
              route.get(),
              ServingNames.trackService(md, ServingNames.STABLE),
              ServingNames.trackService(md, ServingNames.CANARY),
              targets.routeWeight());
    } catch (IllegalArgumentException noRuleToStable) {
      return;
    }
    if (!Objects.equals(weights.getSpec().getRules(), route.get().getSpec().getRules())) {
      plan.step(new ServingStep.SetRouteWeights(weights));
    }
  }

  /** The API server refused {@code object}: the deployment is degraded until the spec changes. */
  public void rejected(ServingPlan plan, HasMetadata object, String message) {
    plan.conditions()
        .set(
            DEGRADED,
            Condition.TRUE,
            ModelDeploymentConditions.WORKLOAD_REJECTED,
            "the API server refused " + object.getKind() + " " + name(object) + ": " + message,
            ServingConditionWriter.WARNING);
    rollUp(plan.conditions());
    plan.next(recheck);
  }

  private static void awaitVerification(
      ServingConditionWriter conditions,
      ModelDeploymentStatus status,
      ServingSnapshot seen,
      String versionName,
      List<String> unverified,
      List<String> failed,
      int desired) {
    String waiting =
        "nothing is created until every model is verified; waiting for "
            + String.join(", ", unverified);
    if (!failed.isEmpty()) {
      conditions.set(
          DEGRADED,
          Condition.TRUE,
          ModelDeploymentConditions.MODEL_NOT_VERIFIED,
          String.join("; ", failed) + "; it is not served",
          ServingConditionWriter.WARNING);
    } else {
      conditions.set(
          DEGRADED,
          Condition.FALSE,
          ModelDeploymentConditions.AS_EXPECTED,
          "no model failed verification",
          null);
    }
    if (!unverified.isEmpty()) {
      // A version that served before and now waits (spec.modelVersion changed) keeps serving.
      boolean stillServing =
          count(status.getReadyReplicas()) > 0
              && status.getStableVersion() != null
              && !status.getStableVersion().equals(versionName);
      conditions.set(
          AVAILABLE,
          stillServing ? Condition.TRUE : Condition.FALSE,
          stillServing
              ? ModelDeploymentConditions.SERVING
              : ModelDeploymentConditions.AWAITING_VERIFICATION,
          stillServing
              ? "ModelVersion " + status.getStableVersion() + " serves while " + waiting
              : waiting,
          null);
      conditions.set(
          PROGRESSING,
          Condition.TRUE,
          ModelDeploymentConditions.AWAITING_VERIFICATION,
          waiting,
          ServingConditionWriter.NORMAL);
    } else {
      conditions.set(
          AVAILABLE,
          Condition.FALSE,
          ModelDeploymentConditions.MODEL_NOT_VERIFIED,
          String.join("; ", failed),
          null);
      conditions.set(
          PROGRESSING,
          Condition.FALSE,
          ModelDeploymentConditions.MODEL_NOT_VERIFIED,
          String.join("; ", failed),
          null);
    }
    if (status.getReady() == null) {
      status.setReady("0/" + desired);
      status.setReplicas(0);
      status.setReadyReplicas(0);
    }
    if (status.getAdapters() == null) {
      status.setAdapters(adapterStatuses(seen.deployment(), List.of(), Map.of(), 0, desired));
    }
    // Else nothing was touched while waiting: the pods serve the adapters status names, and an
    // adapter's stable version must stay known, or its candidate would replace it unrolled.
  }

  /** Ready: Accepted, then Degraded, then Available decide, in that order. */
  static void rollUp(ServingConditionWriter conditions) {
    Optional<Condition> accepted = conditions.get(ACCEPTED);
    Optional<Condition> degraded = conditions.get(DEGRADED);
    Optional<Condition> available = conditions.get(AVAILABLE);
    if (accepted.isEmpty() || !Condition.TRUE.equals(accepted.get().getStatus())) {
      conditions.set(
          READY,
          Condition.FALSE,
          ModelDeploymentConditions.NOT_ACCEPTED,
          accepted.map(Condition::getMessage).orElse("not checked yet"),
          null);
    } else if (degraded.isPresent() && Condition.TRUE.equals(degraded.get().getStatus())) {
      conditions.set(
          READY, Condition.FALSE, degraded.get().getReason(), degraded.get().getMessage(), null);
    } else if (available.isEmpty() || !Condition.TRUE.equals(available.get().getStatus())) {
      conditions.set(
          READY,
          Condition.FALSE,
          available.map(Condition::getReason).orElse(ModelDeploymentConditions.NO_READY_REPLICAS),
          available.map(Condition::getMessage).orElse(""),
          null);
    } else {
      conditions.set(
          READY,
          Condition.TRUE,
          ModelDeploymentConditions.READY_REASON,
          available.get().getMessage(),
          null);
    }
  }

  private static void judge(
      String what, ModelVersion version, List<String> unverified, List<String> failed) {
    Optional<Condition> condition =
        version.getStatus() == null
            ? Optional.empty()
            : StatusConditions.find(
                version.getStatus().getConditions(), ModelVersionStatus.VERIFIED);
    if (condition.isEmpty() || Condition.UNKNOWN.equals(condition.get().getStatus())) {
      unverified.add(
          what
              + " (Verified="
              + condition.map(c -> c.getStatus() + ": " + c.getReason()).orElse("not reported yet")
              + ")");
    } else if (Condition.FALSE.equals(condition.get().getStatus())) {
      failed.add(
          what
              + " failed verification ("
              + condition.get().getReason()
              + ": "
              + condition.get().getMessage()
              + ")");
      unverified.add(what + " (Verified=False: " + condition.get().getReason() + ")");
    } else if (!verified(version)) {
      unverified.add(what + " (verified, but no manifest digest reported)");
    }
  }

  static boolean verified(ModelVersion version) {
    return version.getStatus() != null
        && StatusConditions.find(version.getStatus().getConditions(), ModelVersionStatus.VERIFIED)
            .map(c -> Condition.TRUE.equals(c.getStatus()))
            .orElse(false)
        && version.getStatus().getArtifact() != null
        && version.getStatus().getArtifact().getManifestDigest() != null;
  }

  /**
   * @param answering the ModelVersion that answers each adapter's name where it is not the one
   *     spec.adapters names (an adapter rollout's stable version)
   */
  private static List<AdapterServingStatus> adapterStatuses(
      ModelDeployment md,
      List<AdapterListBuilder.Entry> listed,
      Map<String, String> answering,
      int ready,
      int desired) {
    List<AdapterReference> adapters =
        Optional.ofNullable(md.getSpec().getAdapters()).orElse(List.of());
    if (adapters.isEmpty()) {
      return null;
    }
    Map<String, AdapterListBuilder.Entry> byName = new LinkedHashMap<>();
    listed.forEach(e -> byName.put(e.name(), e));
    List<AdapterServingStatus> statuses = new ArrayList<>();
    for (AdapterReference adapter : adapters) {
      AdapterServingStatus s = new AdapterServingStatus();
      s.setName(adapter.getName());
      s.setModelVersion(answering.getOrDefault(adapter.getName(), adapter.getModelVersion()));
      AdapterListBuilder.Entry entry = byName.get(adapter.getName());
      // The runtime reports ready only with every listed adapter that verifies, so a ready pod
      // with the adapter listed serves it.
      int serving = entry == null ? 0 : ready;
      s.setManifestDigest(entry == null ? null : entry.manifestDigest());
      s.setReadyReplicas(serving);
      s.setReady(serving + "/" + desired);
      statuses.add(s);
    }
    return statuses;
  }

  /** Creates {@code desired} when absent, corrects it when it drifted; tells either. */
  static <T extends HasMetadata> void reconcileChild(
      ServingPlan plan,
      List<String> applied,
      T desired,
      Optional<T> observed,
      java.util.function.BiPredicate<T, T> same) {
    if (observed.isEmpty()) {
      plan.step(new ServingStep.Apply(desired, true));
      applied.add("create " + desired.getKind() + " " + name(desired));
      plan.conditions()
          .tell(
              ServingConditionWriter.NORMAL,
              "Created",
              "created " + desired.getKind() + " " + name(desired));
    } else if (!SpecHash.on(observed.get()).equals(SpecHash.on(desired))
        || !same.test(desired, observed.get())) {
      plan.step(new ServingStep.Apply(desired, false));
      applied.add("correct " + desired.getKind() + " " + name(desired));
      plan.conditions()
          .tell(
              ServingConditionWriter.NORMAL,
              "DriftCorrected",
              desired.getKind() + " " + name(desired) + " differed from the spec; corrected");
    }
  }

  private static boolean sameData(ConfigMap desired, ConfigMap observed) {
    return Objects.equals(desired.getData(), observed.getData());
  }

  private static boolean sameService(Service desired, Service observed) {
    return observed.getSpec() != null
        && Objects.equals(desired.getSpec().getSelector(), observed.getSpec().getSelector())
        && Objects.equals(
            desired.getMetadata().getLabels().get(ServingNames.TRACK_LABEL),
            observed.getMetadata().getLabels() == null
                ? null
                : observed.getMetadata().getLabels().get(ServingNames.TRACK_LABEL));
  }

  private static boolean sameDeployment(Deployment desired, Deployment observed) {
    return observed.getSpec() != null
        && Objects.equals(desired.getSpec().getReplicas(), observed.getSpec().getReplicas());
  }

  private static void retireOthers(
      ServingPlan plan, ServingSnapshot seen, List<String> keptLabels) {
    Map<String, List<HasMetadata>> byVersion = new LinkedHashMap<>();
    List<HasMetadata> children = new ArrayList<>();
    children.addAll(seen.workloads());
    children.addAll(seen.services());
    children.addAll(seen.adapterLists());
    for (HasMetadata child : children) {
      String version = label(child, ServingNames.VERSION_LABEL);
      if (version != null && !keptLabels.contains(version)) {
        byVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(child);
      }
    }
    byVersion.forEach(
        (version, objects) -> {
          plan.step(new ServingStep.Retire(version, objects));
          plan.conditions()
              .tell(
                  ServingConditionWriter.NORMAL,
                  "VersionRetired",
                  "ModelVersion "
                      + version
                      + " no longer served: deleting "
                      + objects.stream()
                          .map(o -> o.getKind() + " " + name(o))
                          .collect(Collectors.joining(", ")));
        });
  }

  private static void quiet(
      ServingConditionWriter conditions, String type, String reason, String message) {
    conditions.set(type, Condition.FALSE, reason, message, null);
  }

  static <T extends HasMetadata> Optional<T> find(List<T> objects, String name) {
    return objects.stream().filter(o -> name.equals(name(o))).findFirst();
  }

  static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  static String label(HasMetadata object, String key) {
    return object.getMetadata().getLabels() == null
        ? null
        : object.getMetadata().getLabels().get(key);
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
