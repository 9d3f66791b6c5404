package dev.lathe.operator.modeldeployment;

import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.DEGRADED;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.PROGRESSING;
import static dev.lathe.api.v1alpha1.ModelDeploymentConditions.ROLLED_BACK;
import static dev.lathe.operator.modeldeployment.ServingDecision.find;
import static dev.lathe.operator.modeldeployment.ServingDecision.label;
import static dev.lathe.operator.modeldeployment.ServingDecision.name;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.CanaryPause;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.RolloutAbort;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Approval;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Hold;
import dev.lathe.api.v1alpha1.RolloutRecord;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.operator.modeldeployment.ServingTargets.AdapterChoice;
import dev.lathe.operator.modeldeployment.ServingTargets.Served;
import dev.lathe.operator.rollout.CanaryReplicas;
import dev.lathe.operator.rollout.GateJobs;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.rollout.RolloutDurations;
import dev.lathe.operator.rollout.RolloutGate;
import dev.lathe.operator.rollout.traffic.RouteWeightsCheck;
import dev.lathe.operator.rollout.traffic.TrackEndpoints;
import dev.lathe.operator.serving.AdapterListBuilder;
import dev.lathe.operator.serving.RuntimeDeploymentBuilder;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
 * Decides a canary rollout of spec.modelVersion (the candidate) against status.stableVersion, from
 * the snapshot, the status the last decision wrote and the clock alone (DESIGN.md §4, Rollout).
 * Every piece of state is in the status (step, its start, its pause's start, gate runs, abort,
 * history) or in the objects (pods ready, evaluation Jobs), so a restarted operator resumes the
 * same step with the same pods and never runs a gate twice.
 *
 * <p>A step moves through: its pod counts ({@link CanaryReplicas}: the candidate grows, the stable
 * version gives way, within one pod of surge) → with HTTPRoute traffic routing, the canary track
 * Service's EndpointSlices listing those pods ({@link TrackEndpoints}), then its weight on the
 * named route, accepted by the route's Gateways ({@link RouteWeightsCheck}) → its pause (a duration
 * from status.pauseStartTime, or an approval bound to the candidate's digest) → its gate (an
 * evaluation Job per run, with failureLimit and consecutiveErrorLimit as Argo Rollouts defines
 * them) → the next step. After the last, the candidate grows to spec.replicas and becomes stable by
 * a status and Service-label change, without a pod restart; the replaced version's last pod goes
 * after scaleDownDelay. A failed gate, a candidate that refuses its artifact or is not ready within
 * the progress deadline, or an abort takes the candidate's traffic away at once (the endpoint
 * selects stable only), scales stable back and removes the candidate's pods after scaleDownDelay;
 * the deployment stays Degraded until the spec names another version.
 */
final class RolloutDecision {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Promotions kept in status.history. */
  static final int HISTORY = 10;

  private final Optional<RolloutGate> gate;

  /**
   * @param gate the evaluation gate, or empty in a build that has none (gated steps then hold for a
   *     person)
   */
  RolloutDecision(Optional<RolloutGate> gate) {
    this.gate = gate;
  }

  /**
   * What to serve while a rollout runs, ended or was just promoted; empty when none applies and the
   * spec's version alone is served (no stable version yet, no rollout in the spec, or the stable
   * version cannot be served any more).
   */
  Optional<ServingTargets> decide(
      ServingSnapshot seen, ServingPlan plan, ModelVersion candidate, Instant now) {
    ModelDeployment md = seen.deployment();
    ModelDeploymentStatus status = plan.status();
    String candidateName = md.getSpec().getModelVersion();
    String stableName = status.getStableVersion();
    if (stableName == null || stableName.equals(candidateName)) {
      Optional<ServingTargets> after = afterPromotion(seen, plan, candidate, now);
      // The replaced version's pods go first: an adapter rollout then runs on the promoted pods.
      if (stableName != null && (after.isEmpty() || after.get().versions().size() == 1)) {
        Optional<ServingTargets> adapter = adapterRollout(seen, plan, candidate, now);
        if (adapter.isPresent()) {
          return adapter;
        }
      }
      clearCanary(status);
      return after;
    }
    Optional<ModelVersion> stable = seen.version(stableName).filter(ServingDecision::verified);
    RolloutSpec rollout = md.getSpec().getRollout();
    if (rollout == null
        || stable.isEmpty()
        || find(seen.workloads(), ServingNames.deployment(md, stableName)).isEmpty()) {
      clearCanary(status);
      return Optional.empty();
    }
    return Optional.of(
        new Rollout(seen, plan, md, rollout, candidate, stable.get(), now, Optional.empty())
            .decide());
  }

  /**
   * An adapter-only rollout on the serving pods of {@code served}: an adapter whose spec names
   * another ModelVersion than the one that answers its name (status.adapters) is rolled out beside
   * it by weight, through the same steps, pauses and gates as a new spec.modelVersion. One adapter
   * rolls out at a time, the one in status.canaryAdapter first, then in spec order; empty when none
   * differs (or spec.rollout is absent, and a changed adapter simply replaces the old one).
   */
  private Optional<ServingTargets> adapterRollout(
      ServingSnapshot seen, ServingPlan plan, ModelVersion served, Instant now) {
    ModelDeployment md = seen.deployment();
    RolloutSpec rollout = md.getSpec().getRollout();
    List<AdapterReference> adapters =
        Optional.ofNullable(md.getSpec().getAdapters()).orElse(List.of());
    if (rollout == null || adapters.isEmpty() || md.getStatus() == null) {
      return Optional.empty();
    }
    Map<String, ModelVersion> answering = new LinkedHashMap<>();
    for (AdapterServingStatus s :
        Optional.ofNullable(md.getStatus().getAdapters()).orElse(List.of())) {
      if (s.getModelVersion() != null && s.getManifestDigest() != null) {
        seen.version(s.getModelVersion())
            .filter(ServingDecision::verified)
            .filter(v -> digest(v).equals(s.getManifestDigest()))
            .ifPresent(v -> answering.put(s.getName(), v));
      }
    }
    List<AdapterReference> changed =
        adapters.stream()
            .filter(a -> answering.containsKey(a.getName()))
            .filter(
                a ->
                    !answering.get(a.getName()).getMetadata().getName().equals(a.getModelVersion()))
            .toList();
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    String current = plan.status().getCanaryAdapter();
    AdapterReference adapter =
        changed.stream()
            .filter(a -> a.getName().equals(current))
            .findFirst()
            .orElse(changed.get(0));
    // Every other changed adapter keeps its stable version until its own turn.
    List<AdapterChoice> waiting = new ArrayList<>();
    for (AdapterReference other : changed) {
      if (other != adapter) {
        waiting.add(
            new AdapterChoice(
                other.getName(), answering.get(other.getName()), Optional.empty(), 0));
      }
    }
    ModelVersion stable = answering.get(adapter.getName());
    Optional<ModelVersion> candidate =
        seen.version(adapter.getModelVersion()).filter(ServingDecision::verified);
    if (candidate.isEmpty()) {
      // A candidate that is not verified never starts: the stable version keeps answering.
      if (adapter.getName().equals(current)) {
        clearCanary(plan.status());
      }
      List<AdapterChoice> all = new ArrayList<>(waiting);
      all.add(new AdapterChoice(adapter.getName(), stable, Optional.empty(), 0));
      return Optional.of(servedWith(served, replicas(md), all));
    }
    ServingTargets decided =
        new Rollout(
                seen,
                plan,
                md,
                rollout,
                candidate.get(),
                stable,
                now,
                Optional.of(new AdapterSubject(adapter.getName(), served)))
            .decide();
    List<AdapterChoice> all = new ArrayList<>(waiting);
    all.addAll(decided.adapters());
    return Optional.of(new ServingTargets(decided.versions(), decided.endpointOnly(), all));
  }

  /** {@code served} alone at {@code replicas} pods, its adapters as {@code choices} say. */
  private static ServingTargets servedWith(
      ModelVersion served, int replicas, List<AdapterChoice> choices) {
    return new ServingTargets(
        List.of(
            new Served(
                served.getMetadata().getName(),
                Optional.of(served),
                replicas,
                ServingNames.STABLE)),
        Optional.empty(),
        choices);
  }

  /**
   * What an adapter rollout rolls out on: the adapter's name and the served model whose pods serve
   * both of its versions.
   */
  private record AdapterSubject(String name, ModelVersion served) {}

  /** The replaced version's objects after a promotion: no traffic, gone after scaleDownDelay. */
  private Optional<ServingTargets> afterPromotion(
      ServingSnapshot seen, ServingPlan plan, ModelVersion current, Instant now) {
    ModelDeployment md = seen.deployment();
    List<RolloutRecord> history =
        Optional.ofNullable(plan.status().getHistory()).orElse(List.of()).stream()
            .filter(r -> r.getAdapter() == null)
            .toList();
    if (history.isEmpty() || md.getSpec().getRollout() == null) {
      return Optional.empty();
    }
    RolloutRecord last = history.get(history.size() - 1);
    String previous = last.getPreviousVersion();
    if (!current.getMetadata().getName().equals(last.getVersion())
        || previous == null
        || previous.equals(last.getVersion())
        || !hasObjects(seen, ServingNames.versionLabelValue(previous))) {
      return Optional.empty();
    }
    int replicas = replicas(md);
    Served stable =
        new Served(last.getVersion(), Optional.of(current), replicas, ServingNames.STABLE);
    Instant removeAt =
        Instant.parse(last.getPromotedAt()).plus(scaleDownDelay(md.getSpec().getRollout()));
    if (now.isBefore(removeAt)) {
      plan.nextAtLatest(Duration.between(now, removeAt));
      return Optional.of(
          new ServingTargets(
              List.of(stable, new Served(previous, Optional.empty(), 0, ServingNames.RETIRING)),
              Optional.of(last.getVersion())));
    }
    return Optional.of(new ServingTargets(List.of(stable), Optional.of(last.getVersion())));
  }

  /** One decision about one rollout: the candidate and stable version as the snapshot shows. */
  private final class Rollout {

    private final ServingSnapshot seen;
    private final ServingPlan plan;
    private final ModelDeploymentStatus status;
    private final ServingConditionWriter conditions;
    private final ModelDeployment md;
    private final RolloutSpec spec;
    private final ModelVersion candidate;
    private final ModelVersion stable;
    private final String candidateName;
    private final String candidateDigest;
    private final String stableName;
    private final int replicas;
    private final Instant now;
    private final Optional<Deployment> candidateWorkload;
    private final Deployment stableWorkload;
    private final Optional<AdapterSubject> adapter;
    private Optional<String> refusal = Optional.empty();

    Rollout(
        ServingSnapshot seen,
        ServingPlan plan,
        ModelDeployment md,
        RolloutSpec spec,
        ModelVersion candidate,
        ModelVersion stable,
        Instant now,
        Optional<AdapterSubject> adapter) {
      this.seen = seen;
      this.adapter = adapter;
      this.plan = plan;
      this.status = plan.status();
      this.conditions = plan.conditions();
      this.md = md;
      this.spec = spec;
      this.candidate = candidate;
      this.stable = stable;
      this.candidateName = candidate.getMetadata().getName();
      this.candidateDigest = digest(candidate);
      this.stableName = stable.getMetadata().getName();
      this.replicas = replicas(md);
      this.now = now;
      // An adapter's two versions share the served model's pods.
      String candidatePods =
          adapter.map(a -> a.served().getMetadata().getName()).orElse(candidateName);
      String stablePods = adapter.map(a -> a.served().getMetadata().getName()).orElse(stableName);
      this.candidateWorkload = find(seen.workloads(), ServingNames.deployment(md, candidatePods));
      this.stableWorkload =
          find(seen.workloads(), ServingNames.deployment(md, stablePods)).orElseThrow();
    }

    ServingTargets decide() {
      RolloutAbort abort = status.getAbort();
      // Rolled back stays rolled back while the spec names that candidate; a spec that named
      // another version since (status.canaryDigest moved on or was cleared) starts it afresh.
      if (abort != null
          && candidateName.equals(abort.getVersion())
          && candidateDigest.equals(abort.getDigest())
          && candidateDigest.equals(status.getCanaryDigest())
          && Objects.equals(adapterName(), abort.getAdapter())) {
        return rolledBack(abort);
      }
      if (!candidateName.equals(status.getCanaryVersion())
          || !candidateDigest.equals(status.getCanaryDigest())
          || !Objects.equals(adapterName(), status.getCanaryAdapter())) {
        start();
      }
      String abortAsked = annotation(RolloutAnnotations.ABORT);
      // An abort naming this candidate counts even when its digest was stable once (a version
      // rolled out again); another past digest is a leftover, neither obeyed nor refused.
      if (abortAsked != null && (abortAsked.equals(candidateDigest) || !pastDigest(abortAsked))) {
        if (abortAsked.equals(candidateDigest)) {
          return rollBack(
              ModelDeploymentConditions.ROLLOUT_ABORTED,
              "the rollout of ModelVersion "
                  + candidateName
                  + " was aborted by `kubectl lathe abort` at step "
                  + status.getCurrentStep()
                  + "; traffic is back on "
                  + stableName);
        }
        refusal =
            Optional.of(
                "an abort for digest "
                    + abortAsked
                    + " was refused: the candidate is "
                    + candidateName
                    + " with digest "
                    + candidateDigest);
      }
      Optional<PodRefusal> refused =
          (adapter.isPresent() ? List.<Pod>of() : podsOf(candidateName))
              .stream()
                  .flatMap(p -> PodRefusal.of(p).stream())
                  .filter(PodRefusal::isVerdict)
                  .findFirst();
      if (refused.isPresent()) {
        PodRefusal r = refused.get();
        return rollBack(
            ModelDeploymentConditions.CANDIDATE_UNHEALTHY,
            "pod "
                + r.podName()
                + " refused candidate ModelVersion "
                + candidateName
                + " ("
                + r.reason()
                + r.subject().map(s -> ", file " + s).orElse("")
                + "): "
                + r.message()
                + "; traffic is back on "
                + stableName);
      }
      List<CanaryStep> steps = spec.getSteps();
      while (true) {
        int index = status.getCurrentStep();
        boolean promoting = index >= steps.size();
        if (adapter.isPresent()) {
          if (status.getPauseStartTime() == null && !promoting) {
            Optional<ServingTargets> moving = adapterMoving(index, steps);
            if (moving.isPresent()) {
              return moving.get();
            }
            status.setPauseStartTime(now.toString());
          }
          if (promoting) {
            return promote();
          }
          CanaryStep step = steps.get(index);
          String at = "step " + index + " (weight " + step.getWeight() + "%)";
          ServingTargets serving = adapterServing(step.getWeight());
          Optional<ServingTargets> held = holds(step, index, at, serving);
          if (held.isPresent()) {
            return held.get();
          }
          nextStep(index, steps, at);
          continue;
        }
        CanaryReplicas target =
            CanaryReplicas.forWeight(promoting ? 100 : steps.get(index).getWeight(), replicas);
        int candidateReady = ready(candidateWorkload);
        int stablePods = pods(stableWorkload);
        CanaryReplicas sizes = target.towards(replicas, stablePods, candidateReady);
        // With a route, traffic keeps the last step's weight while this step's pods come.
        int routeWeight = index == 0 ? 0 : steps.get(index - 1).getWeight();
        if (routesByHttpRoute()) {
          status.setCanaryWeight(routeWeight);
        } else {
          status.setCanaryWeight(
              CanaryReplicas.share(candidateReady, ready(Optional.of(stableWorkload))));
        }
        ServingTargets serving = serving(sizes, routeWeight);
        boolean reached =
            candidateReady >= target.candidate()
                && stablePods <= target.stable()
                && caughtUp(candidateWorkload);
        if (!reached) {
          return moving(index, steps.size(), target, candidateReady, serving);
        }
        if (promoting) {
          return promote();
        }
        CanaryStep step = steps.get(index);
        String at = "step " + index + " (weight " + step.getWeight() + "%)";
        if (routesByHttpRoute()) {
          if (status.getPauseStartTime() == null) {
            Optional<ServingTargets> listing =
                endpointsMoving(index, steps.size(), target, serving);
            if (listing.isPresent()) {
              return listing.get();
            }
            serving = serving(sizes, step.getWeight());
            Optional<ServingTargets> routing = routeMoving(index, steps.size(), step, serving);
            if (routing.isPresent()) {
              return routing.get();
            }
          } else {
            serving = serving(sizes, step.getWeight());
            status.setCanaryWeight(step.getWeight());
          }
        }
        if (status.getPauseStartTime() == null) {
          status.setPauseStartTime(now.toString());
        }
        Optional<ServingTargets> held = holds(step, index, at, serving);
        if (held.isPresent()) {
          return held.get();
        }
        nextStep(index, steps, at);
      }
    }

    /** What holds a step whose weight is reached: spec.paused, its pause, its gate; or nothing. */
    private Optional<ServingTargets> holds(
        CanaryStep step, int index, String at, ServingTargets serving) {
      if (Boolean.TRUE.equals(md.getSpec().getPaused())) {
        progressing(
            ModelDeploymentConditions.ROLLOUT_PAUSED,
            "spec.paused holds the rollout of " + candidateName + " at " + at,
            ServingConditionWriter.NORMAL);
        return Optional.of(serving);
      }
      if (holdsForPause(step, index, at)) {
        return Optional.of(serving);
      }
      if (Boolean.TRUE.equals(step.getEvaluate())) {
        return gated(index, at, serving);
      }
      return Optional.empty();
    }

    private void nextStep(int index, List<CanaryStep> steps, String at) {
      status.setCurrentStep(index + 1);
      status.setStepStartTime(now.toString());
      status.setPauseStartTime(null);
      conditions.tell(
          ServingConditionWriter.NORMAL,
          "StepCompleted",
          at
              + " of the rollout of "
              + candidateName
              + " completed; "
              + (index + 1 < steps.size()
                  ? "step " + (index + 1) + " (weight " + steps.get(index + 1).getWeight() + "%)"
                  : "promotion")
              + " begins");
    }

    /**
     * An adapter step's weight is set once the served model's adapter list carries the candidate at
     * that weight: the pods read the list within seconds (the gate waits until each serves both
     * versions). Empty once it does; otherwise what to serve meanwhile.
     */
    private Optional<ServingTargets> adapterMoving(int index, List<CanaryStep> steps) {
      int weight = steps.get(index).getWeight();
      ServingTargets serving = adapterServing(weight);
      Optional<Integer> listed = listedCanaryWeight();
      status.setCanaryWeight(listed.orElse(0));
      if (listed.filter(w -> w == weight).isPresent() && ready(candidateWorkload) > 0) {
        return Optional.empty();
      }
      String where =
          "step "
              + index
              + " of "
              + steps.size()
              + ": adapter "
              + adapterName()
              + " version "
              + candidateName
              + " is listed at weight "
              + listed.orElse(0)
              + "% beside "
              + stableName
              + ", on its way to "
              + weight
              + "%";
      return Optional.of(
          withinDeadline(
              ModelDeploymentConditions.ROLLOUT_IN_PROGRESS,
              where,
              serving,
              ModelDeploymentConditions.CANDIDATE_UNHEALTHY,
              "the candidate adapter was not served",
              "requests for " + adapterName() + " are"));
    }

    /** The candidate's weight in the served model's adapter list as the cache shows it. */
    private Optional<Integer> listedCanaryWeight() {
      String listName =
          ServingNames.adapterList(md, adapter.orElseThrow().served().getMetadata().getName());
      return find(seen.adapterLists(), listName)
          .map(c -> c.getData() == null ? null : c.getData().get(AdapterListBuilder.KEY))
          .flatMap(
              content -> AdapterListBuilder.canaryWeight(content, adapterName(), candidateDigest));
    }

    /** The served model at full size, the adapter's candidate beside its stable version. */
    private ServingTargets adapterServing(int weight) {
      return onlyStable(new AdapterChoice(adapterName(), stable, Optional.of(candidate), weight));
    }

    /** The adapter's name, or null for a rollout of spec.modelVersion. */
    private String adapterName() {
      return adapter.map(AdapterSubject::name).orElse(null);
    }

    private void start() {
      // A version aborted before and named again after another: it rolls out afresh. Another
      // version's abort stays, so that its leftover annotation is known as such.
      RolloutAbort before = status.getAbort();
      if (before != null
          && candidateDigest.equals(before.getDigest())
          && Objects.equals(adapterName(), before.getAdapter())) {
        status.setAbort(null);
      }
      status.setCanaryAdapter(adapterName());
      status.setCanaryVersion(candidateName);
      status.setCanaryDigest(candidateDigest);
      status.setCurrentStep(0);
      status.setStepStartTime(now.toString());
      status.setPauseStartTime(null);
      status.setAnalysisRuns(null);
      status.setCanaryWeight(0);
      conditions.set(
          ROLLED_BACK,
          Condition.FALSE,
          ModelDeploymentConditions.ROLLOUT_IN_PROGRESS,
          "a rollout of " + candidateName + " is in progress",
          null);
      conditions.tell(
          ServingConditionWriter.NORMAL,
          "RolloutStarted",
          (adapter.isPresent()
                  ? "rolling out adapter " + adapterName() + " version "
                  : "rolling out ModelVersion ")
              + candidateName
              + " ("
              + candidateDigest
              + ") as a canary beside stable "
              + stableName
              + adapter
                  .map(a -> " on the pods of " + a.served().getMetadata().getName())
                  .orElse(""));
    }

    /** The step's pods are not where it wants them yet: wait, within the progress deadline. */
    private ServingTargets moving(
        int index,
        int stepCount,
        CanaryReplicas target,
        int candidateReady,
        ServingTargets serving) {
      Optional<String> unschedulable = unschedulable();
      String where =
          (index >= stepCount ? "promotion" : "step " + index + " of " + stepCount)
              + ": candidate "
              + candidateName
              + " has "
              + candidateReady
              + "/"
              + target.candidate()
              + " ready pods, stable "
              + stableName
              + " gives way to "
              + target.stable()
              + unschedulable.map(u -> "; " + u).orElse("");
      return withinDeadline(
          index >= stepCount
              ? ModelDeploymentConditions.PROMOTING
              : ModelDeploymentConditions.ROLLOUT_IN_PROGRESS,
          where,
          serving,
          ModelDeploymentConditions.CANDIDATE_UNHEALTHY,
          "the candidate was not ready",
          "traffic is");
    }

    /** Traffic is split by exact weights on the HTTPRoute spec.rollout.trafficRouting names. */
    private boolean routesByHttpRoute() {
      return adapter.isEmpty() && RouteDecision.namedRoute(md).isPresent();
    }

    /**
     * The step's pods are ready; the route gets the step's weight only once the canary track
     * Service's EndpointSlices list them, since the gateway sends the canary's share to what the
     * slices list ({@link TrackEndpoints}). Until then the route keeps the last step's weight
     * ({@code serving}), within the progress deadline.
     */
    private Optional<ServingTargets> endpointsMoving(
        int index, int stepCount, CanaryReplicas target, ServingTargets serving) {
      if (!seen.route().namedRoutesWatched()) {
        // No slice is watched either; the route's check says why the step cannot go on.
        return Optional.empty();
      }
      String canaryService = ServingNames.trackService(md, ServingNames.CANARY);
      int listed =
          TrackEndpoints.readyPods(
              seen.route().endpointSlices(),
              canaryService,
              podsOf(candidateName).stream()
                  .map(p -> p.getMetadata().getName())
                  .collect(Collectors.toSet()));
      if (listed >= target.candidate()) {
        return Optional.empty();
      }
      String where =
          "step "
              + index
              + " of "
              + stepCount
              + ": Service "
              + canaryService
              + " lists "
              + listed
              + " of the "
              + target.candidate()
              + " ready pods of "
              + candidateName
              + " as endpoints yet, so HTTPRoute "
              + RouteDecision.namedRoute(md).orElseThrow()
              + " keeps "
              + serving.routeWeight()
              + "% on the canary";
      return Optional.of(
          untilTrafficRouted(
              where, serving, "the canary Service's endpoints did not list the candidate's pods"));
    }

    /**
     * The step's pods are there; its weight counts as set only once the named route carries it and
     * every Gateway the route's status lists has accepted it: until then wait, within the progress
     * deadline, and after it roll back with the route's own words.
     */
    private Optional<ServingTargets> routeMoving(
        int index, int stepCount, CanaryStep step, ServingTargets serving) {
      String stableService = ServingNames.trackService(md, ServingNames.STABLE);
      String canaryService = ServingNames.trackService(md, ServingNames.CANARY);
      RouteWeightsCheck.Readback readback =
          seen.route().namedRoutesWatched()
              ? RouteWeightsCheck.read(
                  seen.route().namedRoute().orElse(null),
                  stableService,
                  canaryService,
                  step.getWeight())
              : new RouteWeightsCheck.Readback(
                  false,
                  "this cluster served no gateway.networking.k8s.io/v1 HTTPRoute when the operator"
                      + " started (install the Gateway API CRDs and restart the operator)");
      if (readback.set()) {
        status.setCanaryWeight(step.getWeight());
        return Optional.empty();
      }
      String route = RouteDecision.namedRoute(md).orElseThrow();
      String where =
          "step "
              + index
              + " of "
              + stepCount
              + ": HTTPRoute "
              + route
              + " is to send "
              + step.getWeight()
              + "% to "
              + canaryService
              + " ("
              + candidateName
              + ") and the rest to "
              + stableService
              + " ("
              + stableName
              + "), and does not yet: "
              + readback.reason();
      return Optional.of(untilTrafficRouted(where, serving, "the step's weight was not set"));
    }

    /** Waits for the route's traffic to follow the step; past the deadline, TrafficNotRouted. */
    private ServingTargets untilTrafficRouted(String where, ServingTargets serving, String what) {
      return withinDeadline(
          ModelDeploymentConditions.ROLLOUT_IN_PROGRESS,
          where,
          serving,
          ModelDeploymentConditions.TRAFFIC_NOT_ROUTED,
          what,
          "traffic is");
    }

    /**
     * Waits for what a step needs ({@code where} says what), within the progress deadline from the
     * step's start; past it, rolls back with {@code failure} and the deadline in the message.
     *
     * @param back what goes back to stable, as in "traffic is" back on the stable version
     */
    private ServingTargets withinDeadline(
        String waiting,
        String where,
        ServingTargets serving,
        String failure,
        String what,
        String back) {
      Duration deadline =
          RolloutDurations.orDefault(
              spec.getProgressDeadline(), RolloutDurations.DEFAULT_PROGRESS_DEADLINE);
      Instant started =
          Optional.ofNullable(status.getStepStartTime()).map(Instant::parse).orElse(now);
      if (!now.isBefore(started.plus(deadline))) {
        return rollBack(
            failure,
            what
                + " within the progress deadline of "
                + deadline.toSeconds()
                + "s at "
                + where
                + "; "
                + back
                + " back on "
                + stableName);
      }
      progressing(waiting, where, ServingConditionWriter.NORMAL);
      plan.nextAtLatest(Duration.between(now, started.plus(deadline)));
      return serving;
    }

    /** True while the step's pause holds: its duration runs, or no approval names it. */
    private boolean holdsForPause(CanaryStep step, int index, String at) {
      CanaryPause pause = step.getPause();
      if (pause == null) {
        return false;
      }
      if (pause.getDuration() != null) {
        Instant until =
            Instant.parse(status.getPauseStartTime())
                .plus(RolloutDurations.parse(pause.getDuration()));
        if (now.isBefore(until)) {
          progressing(
              ModelDeploymentConditions.STEP_PAUSED,
              at + " holds until " + until + " (pause " + pause.getDuration() + ")",
              ServingConditionWriter.NORMAL);
          plan.nextAtLatest(Duration.between(now, until));
          return true;
        }
        return false;
      }
      if (approved(index, Hold.pause)) {
        if (!Boolean.TRUE.equals(step.getEvaluate()) || runsOf(index).isEmpty()) {
          conditions.tell(
              ServingConditionWriter.NORMAL,
              ModelDeploymentConditions.APPROVED,
              at + " of " + candidateName + " (" + candidateDigest + ") was approved");
        }
        return false;
      }
      progressing(
          ModelDeploymentConditions.AWAITING_APPROVAL,
          at
              + " waits for `kubectl lathe promote md/"
              + md.getMetadata().getName()
              + "` to approve candidate "
              + candidateName
              + " ("
              + candidateDigest
              + ")",
          ServingConditionWriter.NORMAL);
      return true;
    }

    /**
     * The gate of a step: empty once it passed (or a person let it pass), else what to serve while
     * it runs, holds or rolled back.
     */
    private Optional<ServingTargets> gated(int index, String at, ServingTargets serving) {
      if (gate.isEmpty()) {
        if (approved(index, Hold.gate)) {
          return Optional.empty();
        }
        progressing(
            ModelDeploymentConditions.GATE_UNAVAILABLE,
            at
                + " evaluates, but this operator has no evaluation gate installed; `kubectl lathe"
                + " promote` lets it go on, `kubectl lathe abort` rolls back",
            ServingConditionWriter.WARNING);
        return Optional.of(serving);
      }
      RolloutGate evaluation = gate.get();
      GateRequest request = request(index);
      List<AnalysisRun> runs = runsOf(index);
      AnalysisRun last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && "Running".equals(verdict(last))) {
        Job job = GateJobs.forAttempt(evaluation, request, runs.size() - 1);
        Optional<Job> seenJob = find(seen.jobs(), name(job));
        if (seenJob.isEmpty()) {
          progressing(
              ModelDeploymentConditions.GATE_RUNNING,
              at + ": waiting for evaluation Job " + name(job) + " to be seen",
              ServingConditionWriter.NORMAL);
          return Optional.of(serving);
        }
        AnalysisRun fresh =
            evaluation.verdict(request, seenJob.get(), GateJobs.podsOf(job, seen.pods()), now);
        fresh.setStep(index);
        fresh.setCanaryVersion(candidateName);
        fresh.setStableVersion(stableName);
        if (fresh.getStartTime() == null) {
          fresh.setStartTime(last.getStartTime());
        }
        replace(last, fresh);
        if ("Running".equals(verdict(fresh))) {
          scoring(at, job, Optional.ofNullable(fresh.getMessage()));
          return Optional.of(serving);
        }
        plan.gateEnded(
            new ServingPlan.GateEnded(
                name(job),
                verdict(fresh),
                Duration.between(
                    Optional.ofNullable(fresh.getStartTime()).map(Instant::parse).orElse(now),
                    now)));
        conditions.tell(
            "Passed".equals(verdict(fresh))
                ? ServingConditionWriter.NORMAL
                : ServingConditionWriter.WARNING,
            ModelDeploymentConditions.GATE_VERDICT,
            at + ": gate run " + (runs.size() - 1) + " " + verdict(fresh) + ": " + figures(fresh));
        last = fresh;
        runs = runsOf(index);
      }
      if (last != null) {
        switch (verdict(last)) {
          case "Passed":
            return Optional.empty();
          case "Inconclusive":
            if (approved(index, Hold.gate)) {
              conditions.tell(
                  ServingConditionWriter.NORMAL,
                  ModelDeploymentConditions.APPROVED,
                  at + ": a person let " + candidateName + " go on after an inconclusive gate");
              return Optional.empty();
            }
            progressing(
                ModelDeploymentConditions.GATE_INCONCLUSIVE,
                at
                    + ": the gate could not decide ("
                    + figures(last)
                    + "); `kubectl lathe promote` goes on, `kubectl lathe abort` rolls back",
                ServingConditionWriter.WARNING);
            return Optional.of(serving);
          case "Failed":
            long failures = runs.stream().filter(r -> "Failed".equals(verdict(r))).count();
            if (failures > limit(spec.getFailureLimit(), 0)) {
              return Optional.of(
                  rollBack(
                      ModelDeploymentConditions.GATE_FAILED,
                      "the evaluation gate failed at "
                          + at
                          + " for candidate "
                          + candidateName
                          + ": "
                          + evidence(last)
                          + "; traffic is back on "
                          + stableName));
            }
            break;
          default:
            int errors = 0;
            for (int i = runs.size() - 1; i >= 0 && "Error".equals(verdict(runs.get(i))); i--) {
              errors++;
            }
            if (errors > limit(spec.getConsecutiveErrorLimit(), 4)) {
              return Optional.of(
                  rollBack(
                      ModelDeploymentConditions.GATE_ERRORED,
                      "the evaluation gate could not run "
                          + errors
                          + " times in a row at "
                          + at
                          + ": "
                          + Optional.ofNullable(last.getMessage()).orElse("no message")
                          + "; traffic is back on "
                          + stableName));
            }
        }
      }
      int attempt = runs.size();
      Job job = GateJobs.forAttempt(evaluation, request, attempt);
      if (find(seen.jobs(), name(job)).isEmpty()) {
        plan.step(new ServingStep.Apply(job, true));
      }
      AnalysisRun run = new AnalysisRun();
      run.setStep(index);
      run.setCanaryVersion(candidateName);
      run.setStableVersion(stableName);
      run.setStartTime(now.toString());
      run.setMessage("evaluation Job " + name(job) + " started (run " + attempt + ")");
      run.setVerdict(AnalysisVerdict.Running);
      List<AnalysisRun> all =
          new ArrayList<>(Optional.ofNullable(status.getAnalysisRuns()).orElse(List.of()));
      all.add(run);
      status.setAnalysisRuns(all);
      scoring(at, job, Optional.empty());
      return Optional.of(serving);
    }

    private void scoring(String at, Job job, Optional<String> progress) {
      progressing(
          ModelDeploymentConditions.GATE_RUNNING,
          at
              + ": evaluation Job "
              + name(job)
              + " scores "
              + candidateName
              + " against "
              + stableName
              + progress.map(m -> " (" + m + ")").orElse(""),
          ServingConditionWriter.NORMAL);
    }

    private ServingTargets promote() {
      List<RolloutRecord> history =
          new ArrayList<>(Optional.ofNullable(status.getHistory()).orElse(List.of()));
      RolloutRecord record = new RolloutRecord();
      record.setAdapter(adapterName());
      record.setVersion(candidateName);
      record.setDigest(candidateDigest);
      record.setPreviousVersion(stableName);
      record.setPromotedAt(now.toString());
      record.setGate(gateSummary());
      history.add(record);
      status.setHistory(
          new ArrayList<>(history.subList(Math.max(0, history.size() - HISTORY), history.size())));
      if (adapter.isEmpty()) {
        status.setStableVersion(candidateName);
        status.setStableDigest(candidateDigest);
      }
      clearCanary(status);
      String message =
          (adapter.isPresent() ? "adapter " + adapterName() + " version " : "ModelVersion ")
              + candidateName
              + " ("
              + candidateDigest
              + ") promoted to stable, replacing "
              + stableName
              + ": "
              + record.getGate();
      conditions.set(
          ROLLED_BACK,
          Condition.FALSE,
          ModelDeploymentConditions.PROMOTED,
          message,
          ServingConditionWriter.NORMAL);
      plan.rolloutEnded(ModelDeploymentConditions.PROMOTED);
      if (adapter.isPresent()) {
        // The candidate answers the name from now on, on the same pods: no pod is touched.
        return onlyStable(new AdapterChoice(adapterName(), candidate, Optional.empty(), 0));
      }
      return afterPromotion(seen, plan, candidate, now).orElseThrow();
    }

    /** The served model alone, at full size, with {@code choice} made for the adapter. */
    private ServingTargets onlyStable(AdapterChoice choice) {
      return servedWith(adapter.orElseThrow().served(), replicas, List.of(choice));
    }

    /** Ends the rollout without promotion: evidence in status, traffic on stable at once. */
    private ServingTargets rollBack(String reason, String message) {
      RolloutAbort abort = new RolloutAbort();
      abort.setAdapter(adapterName());
      abort.setVersion(candidateName);
      abort.setDigest(candidateDigest);
      abort.setReason(reason);
      abort.setMessage(message);
      abort.setStep(status.getCurrentStep());
      abort.setTime(now.toString());
      status.setAbort(abort);
      plan.rolloutEnded(reason);
      return rolledBack(abort);
    }

    private ServingTargets rolledBack(RolloutAbort abort) {
      conditions.set(
          DEGRADED,
          Condition.TRUE,
          abort.getReason(),
          abort.getMessage(),
          ServingConditionWriter.WARNING);
      conditions.set(ROLLED_BACK, Condition.TRUE, abort.getReason(), abort.getMessage(), null);
      conditions.set(
          PROGRESSING,
          Condition.FALSE,
          abort.getReason(),
          "the rollout of "
              + candidateName
              + " ended; it stays rolled back until "
              + (adapter.isPresent()
                  ? "spec.adapters[" + adapterName() + "] names another version"
                  : "spec.modelVersion names another version"),
          null);
      status.setCanaryAdapter(adapterName());
      status.setCanaryVersion(candidateName);
      status.setCanaryDigest(candidateDigest);
      status.setCanaryWeight(0);
      if (adapter.isPresent()) {
        // The candidate leaves the adapter list at once: every request for the name is stable's.
        return onlyStable(new AdapterChoice(adapterName(), stable, Optional.empty(), 0));
      }
      List<Served> served = new ArrayList<>();
      served.add(new Served(stableName, Optional.of(stable), replicas, ServingNames.STABLE));
      Instant removeAt = Instant.parse(abort.getTime()).plus(scaleDownDelay(spec));
      if (now.isBefore(removeAt)) {
        served.add(new Served(candidateName, Optional.empty(), 0, ServingNames.CANARY));
        plan.nextAtLatest(Duration.between(now, removeAt));
      }
      return new ServingTargets(served, Optional.of(stableName));
    }

    /**
     * Both versions at {@code sizes}; with a route, the canary at {@code routeWeight} on it and the
     * endpoint Service on stable alone, so that the canary's share is exactly the route's.
     */
    private ServingTargets serving(CanaryReplicas sizes, int routeWeight) {
      boolean routed = routesByHttpRoute();
      return new ServingTargets(
          List.of(
              new Served(stableName, Optional.of(stable), sizes.stable(), ServingNames.STABLE),
              new Served(
                  candidateName, Optional.of(candidate), sizes.candidate(), ServingNames.CANARY)),
          routed ? Optional.of(stableName) : Optional.empty(),
          List.of(),
          routed ? routeWeight : 0);
    }

    private void progressing(String reason, String message, String eventType) {
      if (refusal.isPresent() || refusedApproval().isPresent()) {
        String why = refusal.or(this::refusedApproval).get();
        conditions.set(
            PROGRESSING,
            Condition.TRUE,
            ModelDeploymentConditions.APPROVAL_REFUSED,
            why + "; " + message,
            ServingConditionWriter.WARNING);
        return;
      }
      conditions.set(PROGRESSING, Condition.TRUE, reason, message, eventType);
    }

    /** An approval that names another candidate's digest, said as a refusal. */
    private Optional<String> refusedApproval() {
      String value = annotation(RolloutAnnotations.PROMOTE);
      if (value == null) {
        return Optional.empty();
      }
      Optional<Approval> approval = Approval.parse(value);
      if (approval.isEmpty()) {
        return Optional.of(
            "the approval '"
                + value
                + "' was refused: it is not <digest>@<step>/pause or <digest>@<step>/gate");
      }
      if (!approval.get().digest().equals(candidateDigest)
          && !pastDigest(approval.get().digest())) {
        return Optional.of(
            "an approval for digest "
                + approval.get().digest()
                + " was refused: the candidate is "
                + candidateName
                + " with digest "
                + candidateDigest);
      }
      return Optional.empty();
    }

    /**
     * A digest an earlier rollout's word named (the stable version's, a promoted or the last
     * rolled-back candidate's): left over on the annotation, not a word on this candidate.
     */
    private boolean pastDigest(String digest) {
      return digest.equals(digest(stable))
          || Optional.ofNullable(status.getAbort())
              .map(a -> digest.equals(a.getDigest()))
              .orElse(false)
          || Optional.ofNullable(status.getHistory()).orElse(List.of()).stream()
              .anyMatch(r -> digest.equals(r.getDigest()));
    }

    private boolean approved(int index, Hold hold) {
      return Approval.parse(annotation(RolloutAnnotations.PROMOTE))
          .filter(a -> a.digest().equals(candidateDigest) && a.step() == index && a.hold() == hold)
          .isPresent();
    }

    private String annotation(String key) {
      return md.getMetadata().getAnnotations() == null
          ? null
          : md.getMetadata().getAnnotations().get(key);
    }

    /**
     * The gate's request: for a model rollout each version on its own Service and pods (scraped for
     * the live figures); for an adapter rollout both on the served model's, told apart by pinned
     * adapter names.
     */
    private GateRequest request(int index) {
      if (adapter.isPresent()) {
        String served = adapter.get().served().getMetadata().getName();
        String service = ServingNames.versionService(md, served);
        List<String> pods = readyAddresses(served);
        return new GateRequest(
            md,
            index,
            spec.getEvaluation(),
            candidateName,
            candidateDigest,
            service,
            stableName,
            digest(stable),
            service,
            seen.inputs(),
            0,
            pods,
            pods,
            AdapterListBuilder.pinned(adapterName(), candidateDigest),
            AdapterListBuilder.pinned(adapterName(), digest(stable)));
      }
      return new GateRequest(
          md,
          index,
          spec.getEvaluation(),
          candidateName,
          candidateDigest,
          ServingNames.versionService(md, candidateName),
          stableName,
          digest(stable),
          ServingNames.versionService(md, stableName),
          seen.inputs(),
          0,
          readyAddresses(candidateName),
          readyAddresses(stableName),
          null,
          null);
    }

    /** {@code IP:PORT} of the HTTP port of each ready pod of {@code version}, sorted. */
    private List<String> readyAddresses(String version) {
      return podsOf(version).stream()
          .filter(RolloutDecision::isReady)
          .map(p -> p.getStatus().getPodIP() + ":" + RuntimeDeploymentBuilder.HTTP_PORT)
          .sorted()
          .toList();
    }

    private List<AnalysisRun> runsOf(int index) {
      return Optional.ofNullable(status.getAnalysisRuns()).orElse(List.of()).stream()
          .filter(r -> Objects.equals(r.getStep(), index))
          .toList();
    }

    private void replace(AnalysisRun before, AnalysisRun after) {
      List<AnalysisRun> all = new ArrayList<>(status.getAnalysisRuns());
      all.set(all.indexOf(before), after);
      status.setAnalysisRuns(all);
    }

    /** The failing thresholds' figures, the thresholds as the spec states them, and the message. */
    private String evidence(AnalysisRun run) {
      List<String> failing = new ArrayList<>();
      for (MetricResult result : Optional.ofNullable(run.getResults()).orElse(List.of())) {
        if (Boolean.FALSE.equals(result.getPassed())) {
          failing.add(
              metric(result)
                  + ": candidate "
                  + result.getCanary()
                  + ", stable "
                  + result.getStable()
                  + threshold(result));
        }
      }
      return (failing.isEmpty() ? "no threshold's figures reported" : String.join("; ", failing))
          + Optional.ofNullable(run.getMessage()).map(m -> " (" + m + ")").orElse("");
    }

    private String threshold(MetricResult result) {
      return Optional.ofNullable(spec.getEvaluation())
          .map(e -> e.getThresholds())
          .orElse(List.of())
          .stream()
          .filter(t -> t.getMetric() == result.getMetric())
          .findFirst()
          .map(RolloutDecision::describe)
          .map(t -> ", threshold " + t)
          .orElse("");
    }

    private String gateSummary() {
      List<String> passed = new ArrayList<>();
      List<String> decided = new ArrayList<>();
      List<CanaryStep> steps = spec.getSteps();
      for (int i = 0; i < steps.size(); i++) {
        if (!Boolean.TRUE.equals(steps.get(i).getEvaluate())) {
          continue;
        }
        List<AnalysisRun> runs = runsOf(i);
        if (!runs.isEmpty() && "Passed".equals(verdict(runs.get(runs.size() - 1)))) {
          passed.add(String.valueOf(i));
        } else {
          decided.add(String.valueOf(i));
        }
      }
      if (passed.isEmpty() && decided.isEmpty()) {
        return "no step was gated";
      }
      return (passed.isEmpty()
              ? ""
              : "the evaluation gate passed at steps " + String.join(", ", passed))
          + (passed.isEmpty() || decided.isEmpty() ? "" : "; ")
          + (decided.isEmpty()
              ? ""
              : "a person let steps "
                  + String.join(", ", decided)
                  + " go on without a passed gate");
    }

    private Optional<String> unschedulable() {
      for (Pod pod : podsOf(candidateName)) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
          continue;
        }
        for (var c : pod.getStatus().getConditions()) {
          if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
            return Optional.of(
                "pod "
                    + pod.getMetadata().getName()
                    + " cannot be scheduled ("
                    + c.getReason()
                    + "): "
                    + c.getMessage());
          }
        }
      }
      return Optional.empty();
    }

    private List<Pod> podsOf(String version) {
      String label = ServingNames.versionLabelValue(version);
      return seen.pods().stream()
          .filter(p -> label.equals(label(p, ServingNames.VERSION_LABEL)))
          .toList();
    }
  }

  /** The metric as the spec spells it (accuracy, latencyP95Ms), not as the enum constant. */
  static String metric(MetricResult result) {
    return result.getMetric() == null
        ? "a metric"
        : JSON.convertValue(result.getMetric(), String.class);
  }

  static String describe(MetricThreshold t) {
    List<String> parts = new ArrayList<>();
    if (t.getMin() != null) {
      parts.add("min " + t.getMin());
    }
    if (t.getMax() != null) {
      parts.add("max " + t.getMax());
    }
    if (t.getMaxRegression() != null) {
      parts.add("maxRegression " + t.getMaxRegression());
    }
    return String.join(", ", parts);
  }

  /** A run's figures, every threshold's, for an Event or a hold's message. */
  static String figures(AnalysisRun run) {
    String results =
        Optional.ofNullable(run.getResults()).orElse(List.of()).stream()
            .map(
                r ->
                    metric(r)
                        + " candidate "
                        + r.getCanary()
                        + " stable "
                        + r.getStable()
                        + (Boolean.TRUE.equals(r.getPassed()) ? " held" : " did not hold"))
            .collect(Collectors.joining("; "));
    return (results.isEmpty() ? "" : results + "; ")
        + Optional.ofNullable(run.getMessage()).orElse("");
  }

  /** True while the candidate spec.modelVersion names is the one the last abort ended. */
  static boolean rolledBack(ModelDeploymentStatus status) {
    RolloutAbort abort = status.getAbort();
    return abort != null
        && status.getCanaryVersion() != null
        && status.getCanaryVersion().equals(abort.getVersion())
        && Objects.equals(status.getCanaryDigest(), abort.getDigest());
  }

  /** A run's verdict by name (Running when absent), so a verdict added later reads the same. */
  static String verdict(AnalysisRun run) {
    return run.getVerdict() == null ? "Running" : run.getVerdict().name();
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static void clearCanary(ModelDeploymentStatus status) {
    status.setCanaryAdapter(null);
    status.setCanaryVersion(null);
    status.setCanaryDigest(null);
    status.setCurrentStep(null);
    status.setCanaryWeight(null);
    status.setStepStartTime(null);
    status.setPauseStartTime(null);
  }

  private static Duration scaleDownDelay(RolloutSpec spec) {
    return RolloutDurations.orDefault(
        spec.getScaleDownDelay(), RolloutDurations.DEFAULT_SCALE_DOWN_DELAY);
  }

  private static int limit(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static boolean hasObjects(ServingSnapshot seen, String versionLabel) {
    List<HasMetadata> all = new ArrayList<>(seen.workloads());
    all.addAll(seen.services());
    all.addAll(seen.adapterLists());
    return all.stream().anyMatch(o -> versionLabel.equals(label(o, ServingNames.VERSION_LABEL)));
  }

  private static int replicas(ModelDeployment md) {
    return Optional.ofNullable(md.getSpec().getReplicas()).orElse(1);
  }

  private static String digest(ModelVersion version) {
    return version.getStatus().getArtifact().getManifestDigest();
  }

  private static int ready(Optional<Deployment> workload) {
    return workload
        .map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas())
        .map(Integer::intValue)
        .orElse(0);
  }

  /** The pods a Deployment holds now: the larger of what it asks and what its status counts. */
  private static int pods(Deployment workload) {
    int asked = Optional.ofNullable(workload.getSpec().getReplicas()).orElse(0);
    int counted =
        workload.getStatus() == null
            ? 0
            : Optional.ofNullable(workload.getStatus().getReplicas()).orElse(0);
    return Math.max(asked, counted);
  }

  private static boolean caughtUp(Optional<Deployment> workload) {
    return workload
        .map(
            d ->
                d.getStatus() != null
                    && Objects.equals(
                        d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration()))
        .orElse(false);
  }
}
