package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentSpec;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelSource;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionSpec;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.rollout.traffic.TrackEndpoints;
import dev.lathe.operator.serving.GatewayTarget;
import dev.lathe.operator.serving.RuntimeDeploymentBuilder;
import dev.lathe.operator.serving.ServingInputs;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small world of one ModelDeployment, its ModelVersions and the objects made for it, from which
 * tests take snapshots, and which {@link TestingServingActions} changes as the cluster would.
 */
final class ServingWorld {

  static final String NAMESPACE = "ml-platform";
  static final String MD = "support-bot";
  static final String BASE = "llama-3-1-8b";
  static final String KEYS = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  static final String IMAGE = "ghcr.io/lathe-dev/lathe-runtime:test";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  ModelDeployment deployment;
  Acceptance acceptance = new Acceptance(List.of());
  final Map<String, ModelVersion> versions = new LinkedHashMap<>();
  final Map<String, HasMetadata> objects = new LinkedHashMap<>();
  final List<Pod> pods = new ArrayList<>();

  /** The Deployments' pods as the last {@link #settle} left them (named DEPLOYMENT-i). */
  final List<Pod> runningPods = new ArrayList<>();

  /**
   * The Services' EndpointSlices, as the endpointslice controller wrote them at the last {@link
   * #settle} that did not hold them ("endpoints" among its stuck names).
   */
  final List<EndpointSlice> endpointSlices = new ArrayList<>();

  RouteSnapshot.Mode routeMode = RouteSnapshot.Mode.OFF;
  Optional<GatewayTarget> gatewayTarget = Optional.empty();
  Optional<Gateway> gateway = Optional.empty();

  /** The cluster serves HTTPRoutes, so a route the spec names is watched. */
  boolean namedRoutesWatched;

  /** The user's HTTPRoute that spec.rollout.trafficRouting names, as the cluster has it. */
  HTTPRoute namedRoute;

  ServingWorld() {
    deployment = new ModelDeployment();
    deployment.setMetadata(
        new ObjectMetaBuilder()
            .withName(MD)
            .withNamespace(NAMESPACE)
            .withUid("md-uid-1")
            .withGeneration(1L)
            .build());
    ModelDeploymentSpec spec = new ModelDeploymentSpec();
    spec.setModelVersion(BASE);
    spec.setReplicas(2);
    deployment.setSpec(spec);
    versions.put(BASE, model(BASE, ModelFormat.HF_SAFETENSORS, null));
  }

  static ModelVersion model(String name, ModelFormat format, String base) {
    ModelVersion version = new ModelVersion();
    version.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withGeneration(1L).build());
    ModelVersionSpec spec = new ModelVersionSpec();
    spec.setModelName(name);
    spec.setFormat(format);
    spec.setBase(base);
    StorageLocation location = new StorageLocation();
    location.setUri("s3://models/" + name);
    location.setEndpoint("http://minio.storage:9000");
    location.setPathStyle(true);
    location.setCredentialsSecret("minio-credentials");
    ModelSource source = new ModelSource();
    source.setStorage(location);
    spec.setSource(source);
    version.setSpec(spec);
    return version;
  }

  static String digestOf(String name) {
    return "sha256:"
        + String.format("%64s", Integer.toHexString(name.hashCode())).replace(' ', '0');
  }

  ServingWorld adapter(String name, String modelVersion) {
    AdapterReference ref = new AdapterReference();
    ref.setName(name);
    ref.setModelVersion(modelVersion);
    List<AdapterReference> adapters =
        new ArrayList<>(Optional.ofNullable(deployment.getSpec().getAdapters()).orElse(List.of()));
    adapters.add(ref);
    deployment.getSpec().setAdapters(adapters);
    versions.putIfAbsent(modelVersion, model(modelVersion, ModelFormat.PEFT_LORA, BASE));
    return this;
  }

  /** spec.adapters[name] now names {@code modelVersion} (a LoRA ModelVersion on the base). */
  ServingWorld retarget(String name, String modelVersion) {
    deployment.getSpec().getAdapters().stream()
        .filter(a -> a.getName().equals(name))
        .forEach(a -> a.setModelVersion(modelVersion));
    versions.putIfAbsent(modelVersion, model(modelVersion, ModelFormat.PEFT_LORA, BASE));
    deployment.getMetadata().setGeneration(deployment.getMetadata().getGeneration() + 1);
    return this;
  }

  ServingWorld verified(String name) {
    return verification(name, Condition.TRUE, "Verified", "every file matches");
  }

  ServingWorld verification(String name, String value, String reason, String message) {
    ModelVersion version = versions.get(name);
    ModelVersionStatus status = new ModelVersionStatus();
    status.getConditions().add(new Condition("Verified", value, reason, message));
    if (Condition.TRUE.equals(value)) {
      ArtifactStatus artifact = new ArtifactStatus();
      artifact.setUri(version.getSpec().getSource().getStorage().getUri());
      artifact.setManifestDigest(digestOf(name));
      status.setArtifact(artifact);
    }
    version.setStatus(status);
    return this;
  }

  ServingWorld rejected(String reason, String message) {
    acceptance = new Acceptance(List.of(new Problem(reason, message, true)));
    return this;
  }

  ServingWorld replicas(int replicas) {
    deployment.getSpec().setReplicas(replicas);
    deployment.getMetadata().setGeneration(deployment.getMetadata().getGeneration() + 1);
    return this;
  }

  /** The Deployment controller's report: every replica of the current template ready or not. */
  ServingWorld workloadReports(String version, int replicas, int ready) {
    Deployment d =
        (Deployment) objects.get("Deployment/" + ServingNames.deployment(deployment, version));
    d.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build());
    return this;
  }

  /**
   * The Deployment controller catching up with every Deployment: as many pods as asked, all ready
   * but those of the {@code stuck} versions, which never become ready.
   */
  ServingWorld settle(String... stuck) {
    List<String> unready = List.of(stuck);
    if (namedRoute != null && !unready.contains("route")) {
      gatewayAcceptsRoute();
    }
    runningPods.clear();
    for (Deployment d : all(Deployment.class)) {
      int asked = Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
      String version = d.getMetadata().getLabels().get(ServingNames.VERSION_LABEL);
      boolean ready = !unready.contains(version);
      d.setStatus(
          new DeploymentStatusBuilder()
              .withReplicas(asked)
              .withReadyReplicas(ready ? asked : 0)
              .withUpdatedReplicas(asked)
              .withObservedGeneration(d.getMetadata().getGeneration())
              .build());
      for (int i = 0; i < asked; i++) {
        runningPods.add(
            new PodBuilder()
                .withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + i)
                .withNamespace(NAMESPACE)
                .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.0.0." + (runningPods.size() + 1))
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build());
      }
    }
    if (!unready.contains("endpoints")) {
      endpointSlices.clear();
      all(Service.class).forEach(s -> endpointSlices.add(sliceOf(s)));
    }
    return this;
  }

  /** {@code IP:8000} of each ready pod of {@code version}, as the last settle left them, sorted. */
  List<String> podAddresses(String version) {
    String label = ServingNames.versionLabelValue(version);
    return runningPods.stream()
        .filter(p -> label.equals(p.getMetadata().getLabels().get(ServingNames.VERSION_LABEL)))
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .map(p -> p.getStatus().getPodIP() + ":" + RuntimeDeploymentBuilder.HTTP_PORT)
        .sorted()
        .toList();
  }

  /** The slice the endpointslice controller writes for {@code service}: its selected pods. */
  private EndpointSlice sliceOf(Service service) {
    Map<String, String> selector = service.getSpec().getSelector();
    Map<String, String> labels = new LinkedHashMap<>(service.getMetadata().getLabels());
    labels.put(TrackEndpoints.SERVICE_NAME_LABEL, service.getMetadata().getName());
    List<Endpoint> endpoints = new ArrayList<>();
    for (Pod pod : runningPods) {
      Map<String, String> podLabels = pod.getMetadata().getLabels();
      if (selector.entrySet().stream()
          .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())))) {
        boolean ready =
            pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        endpoints.add(
            new EndpointBuilder()
                .withAddresses("10.0.0." + (endpoints.size() + 1))
                .withNewConditions()
                .withReady(ready)
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .endTargetRef()
                .build());
      }
    }
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service.getMetadata().getName() + "-abcde")
        .withNamespace(NAMESPACE)
        .withLabels(labels)
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(endpoints)
        .build();
  }

  /**
   * A user's HTTPRoute {@code name} (one rule, one backendRef: the stable track Service, as the
   * README shows), which the spec then names for HTTPRoute traffic routing.
   */
  ServingWorld userRoute(String name) {
    namedRoutesWatched = true;
    namedRoute =
        new HTTPRouteBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .addNewParentRef()
            .withName("edge")
            .endParentRef()
            .addNewRule()
            .addNewBackendRef()
            .withName(ServingNames.trackService(deployment, ServingNames.STABLE))
            .withPort(8080)
            .endBackendRef()
            .endRule()
            .endSpec()
            .build();
    return this;
  }

  /** The API server taking the rollout's weights: the route's rules replaced, a new generation. */
  void routeWeightsSet(HTTPRoute weights) {
    HTTPRoute stored = JSON.clone(namedRoute);
    stored.getSpec().setRules(JSON.clone(weights).getSpec().getRules());
    stored.getMetadata().setGeneration(namedRoute.getMetadata().getGeneration() + 1);
    namedRoute = stored;
  }

  /** The route's Gateway accepting its current generation, all references resolved. */
  ServingWorld gatewayAcceptsRoute() {
    long generation = namedRoute.getMetadata().getGeneration();
    namedRoute.setStatus(
        new HTTPRouteStatusBuilder()
            .addNewParent()
            .withControllerName("traefik.io/gateway-controller")
            .withNewParentRef()
            .withName("edge")
            .endParentRef()
            .withConditions(
                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                    .withType("Accepted")
                    .withStatus("True")
                    .withReason("Accepted")
                    .withObservedGeneration(generation)
                    .build(),
                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                    .withType("ResolvedRefs")
                    .withStatus("True")
                    .withReason("ResolvedRefs")
                    .withObservedGeneration(generation)
                    .build())
            .endParent()
            .build());
    return this;
  }

  /** The backendRef weights of the named route's first rule, by Service name. */
  Map<String, Integer> routeWeights() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    namedRoute
        .getSpec()
        .getRules()
        .get(0)
        .getBackendRefs()
        .forEach(b -> weights.put(b.getName(), b.getWeight() == null ? 1 : b.getWeight()));
    return weights;
  }

  /** A verified full model the spec now names: the candidate of a rollout. */
  ServingWorld names(String version) {
    versions.putIfAbsent(version, model(version, ModelFormat.HF_SAFETENSORS, null));
    deployment.getSpec().setModelVersion(version);
    deployment.getMetadata().setGeneration(deployment.getMetadata().getGeneration() + 1);
    return this;
  }

  /** The Job controller's report that the Job's pod ended. */
  ServingWorld jobEnds(String name) {
    Job job = get(Job.class, name);
    job.setStatus(new JobStatusBuilder().withSucceeded(1).build());
    return this;
  }

  /** An annotation as `kubectl lathe promote` or `abort` writes it (metadata, not spec). */
  ServingWorld annotate(String key, String value) {
    Map<String, String> annotations =
        new LinkedHashMap<>(
            Optional.ofNullable(deployment.getMetadata().getAnnotations()).orElse(Map.of()));
    annotations.put(key, value);
    deployment.getMetadata().setAnnotations(annotations);
    return this;
  }

  /** A pending pod of {@code version} the scheduler could not place. */
  ServingWorld unschedulablePod(String version, String podName, String message) {
    pods.add(
        podOf(version, podName)
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage(message)
            .endCondition()
            .endStatus()
            .build());
    return this;
  }

  /** A pod of {@code version} whose init container exited with {@code message}. */
  ServingWorld refusingPod(String version, String podName, int exitCode, String message) {
    pods.add(
        podOf(version, podName)
            .withNewStatus()
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("fetch-and-verify")
                    .withRestartCount(1)
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState()
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(exitCode)
                    .withMessage(message)
                    .endTerminated()
                    .endLastState()
                    .build())
            .endStatus()
            .build());
    return this;
  }

  private PodBuilder podOf(String version, String podName) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(NAMESPACE)
        .withUid(podName + "-uid")
        .withLabels(ServingNames.versionLabels(deployment, version))
        .endMetadata();
  }

  /** A status the operator wrote, as the next reconcile sees it on the cached resource. */
  void reported(ServingPlan plan) {
    deployment = JSON.clone(deployment);
    deployment.setStatus(JSON.clone(plan.status()));
  }

  void put(HasMetadata object) {
    HasMetadata stored = JSON.clone(object);
    HasMetadata before = objects.get(key(object));
    long generation =
        before == null
            ? 1
            : Optional.ofNullable(before.getMetadata().getGeneration()).orElse(1L) + 1;
    stored.getMetadata().setGeneration(generation);
    if (before instanceof Deployment old && stored instanceof Deployment now) {
      now.setStatus(old.getStatus());
    }
    objects.put(key(object), stored);
  }

  static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return objects.values().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  ServingSnapshot snapshot() {
    return new ServingSnapshot(
        JSON.clone(deployment),
        acceptance,
        versions,
        all(Deployment.class),
        all(Service.class),
        all(ConfigMap.class),
        java.util.stream.Stream.concat(pods.stream(), runningPods.stream()).toList(),
        all(Job.class),
        new ServingInputs(IMAGE, KEYS),
        new RouteSnapshot(
            routeMode,
            gatewayTarget,
            gateway,
            routeMode == RouteSnapshot.Mode.ON ? all(HTTPRoute.class) : List.of(),
            namedRoutesWatched,
            Optional.ofNullable(namedRoute).map(JSON::clone),
            namedRoutesWatched ? endpointSlices : List.of()));
  }
}
