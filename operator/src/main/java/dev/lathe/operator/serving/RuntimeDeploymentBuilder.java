package dev.lathe.operator.serving;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.RuntimeSpec;
import dev.lathe.api.v1alpha1.ServingResources;
import dev.lathe.artifact.contract.RuntimeEnvironment;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.storage.PodStorage;
import dev.lathe.operator.training.TrainingJobBuilder;
import dev.lathe.operator.workloads.ControllerReference;
import dev.lathe.operator.workloads.RestrictedSecurity;
import dev.lathe.operator.workloads.UserEnvironment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Deployment of runtime pods serving one verified ModelVersion (DESIGN.md §4, serving). Init
 * container {@value #FETCH_CONTAINER} downloads the artifact into an emptyDir and verifies its
 * signature and every digest against the namespace's trusted keys, answering a refusal in its
 * termination message; container {@value #SERVE_CONTAINER} verifies what it loads again, serves the
 * OpenAI API, and follows the mounted adapter list. Only the storage credentials of the model's
 * location are mounted, read-only; no service-account token. Pure.
 */
public final class RuntimeDeploymentBuilder {

  public static final String FETCH_CONTAINER = "fetch-and-verify";
  public static final String SERVE_CONTAINER = "serve";
  public static final int HTTP_PORT = 8000;
  public static final int ADAPTER_STATUS_PORT = 8001;
  public static final String HTTP_PORT_NAME = "http";
  public static final String MODELS_DIR = "/models";
  public static final String ADAPTER_LIST_DIR = "/etc/lathe/adapters";
  public static final String ADAPTER_LIST_FILE = ADAPTER_LIST_DIR + "/" + AdapterListBuilder.KEY;
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /** How long a draining pod may finish running requests (the runtime's default is 30 s). */
  static final int DRAIN_SECONDS = 30;

  /**
   * serve re-hashes every weight file before it listens; at a few hundred MB/s a 140 GB model takes
   * minutes, so the startup probe allows an hour before liveness may restart the pod.
   */
  static final int STARTUP_PERIOD_SECONDS = 10;

  static final int STARTUP_FAILURES = 360;

  private RuntimeDeploymentBuilder() {}

  public static Deployment build(
      ModelDeployment md, ModelVersion version, int replicas, ServingInputs inputs) {
    String versionName = version.getMetadata().getName();
    String namespace = md.getMetadata().getNamespace();
    ServingResources resources =
        Optional.ofNullable(md.getSpec().getResources()).orElseGet(ServingResources::new);
    RuntimeSpec runtime =
        Optional.ofNullable(md.getSpec().getRuntime()).orElseGet(RuntimeSpec::new);
    int gpus = Optional.ofNullable(resources.getGpus()).orElse(0);
    String image = Optional.ofNullable(runtime.getImage()).orElse(inputs.defaultImage());

    PodStorage storage = new PodStorage();
    StoreAddress address = storage.address(version.getSpec().getSource().getStorage(), false);
    List<EnvVar> storeEnv = storeEnvironment(address);

    List<VolumeMount> fetchMounts = new ArrayList<>(storage.mounts());
    fetchMounts.add(mount("models", MODELS_DIR, false));
    fetchMounts.add(mount("tmp", "/tmp", false));
    List<EnvVar> fetchEnv = new ArrayList<>();
    fetchEnv.add(env(RuntimeEnvironment.MODEL_URI, address.uri()));
    fetchEnv.add(env(RuntimeEnvironment.MODELS_DIR, MODELS_DIR));
    fetchEnv.addAll(storeEnv);
    fetchEnv.addAll(trustEnvironment(namespace, inputs.trustedKeys()));
    Container fetch =
        new ContainerBuilder()
            .withName(FETCH_CONTAINER)
            .withImage(image)
            .withArgs(FETCH_CONTAINER)
            .withEnv(fetchEnv)
            .withVolumeMounts(fetchMounts)
            .withSecurityContext(RestrictedSecurity.container())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    List<VolumeMount> serveMounts = new ArrayList<>(storage.mounts());
    serveMounts.add(mount("models", MODELS_DIR, false));
    serveMounts.add(mount("tmp", "/tmp", false));
    serveMounts.add(mount("adapter-list", ADAPTER_LIST_DIR, true));
    if (gpus > 0) {
      serveMounts.add(mount("dshm", "/dev/shm", false));
    }
    List<EnvVar> serveEnv = new ArrayList<>();
    serveEnv.add(env(RuntimeEnvironment.MODELS_DIR, MODELS_DIR));
    // Clients name the ModelDeployment, not the version: promotion must not change the model field.
    serveEnv.add(env(RuntimeEnvironment.MODEL_NAME, md.getMetadata().getName()));
    // The pod's own address, not 0.0.0.0: on the local node every pod is a process on one host,
    // each with a loopback address of its own, and two replicas must not claim one port.
    serveEnv.add(
        new EnvVarBuilder()
            .withName(RuntimeEnvironment.HOST)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
    serveEnv.add(env(RuntimeEnvironment.PORT, String.valueOf(HTTP_PORT)));
    serveEnv.add(env(RuntimeEnvironment.ADAPTER_LIST, ADAPTER_LIST_FILE));
    serveEnv.add(env(RuntimeEnvironment.ADAPTER_STATUS_PORT, String.valueOf(ADAPTER_STATUS_PORT)));
    serveEnv.add(env(RuntimeEnvironment.DRAIN_SECONDS, String.valueOf(DRAIN_SECONDS)));
    if (runtime.getMaxBatchSize() != null) {
      serveEnv.add(env(RuntimeEnvironment.MAX_BATCH, String.valueOf(runtime.getMaxBatchSize())));
    }
    if (runtime.getMaxQueueLength() != null) {
      serveEnv.add(env(RuntimeEnvironment.MAX_QUEUE, String.valueOf(runtime.getMaxQueueLength())));
    }
    serveEnv.addAll(storeEnv);
    serveEnv.addAll(trustEnvironment(namespace, inputs.trustedKeys()));
    if (runtime.getEnv() != null) {
      runtime.getEnv().stream().map(UserEnvironment::toEnvVar).forEach(serveEnv::add);
    }
    Container serve =
        new ContainerBuilder()
            .withName(SERVE_CONTAINER)
            .withImage(image)
            .withArgs(SERVE_CONTAINER)
            .withEnv(serveEnv)
            .addNewPort()
            .withName(HTTP_PORT_NAME)
            .withContainerPort(HTTP_PORT)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName("adapter-status")
            .withContainerPort(ADAPTER_STATUS_PORT)
            .withProtocol("TCP")
            .endPort()
            .withReadinessProbe(probe("/readyz", 5, 3, 2, 1))
            .withLivenessProbe(probe("/healthz", 10, 3, 3, 1))
            .withStartupProbe(probe("/healthz", STARTUP_PERIOD_SECONDS, 3, STARTUP_FAILURES, 1))
            .withResources(computeResources(resources, gpus))
            .withVolumeMounts(serveMounts)
            .withSecurityContext(RestrictedSecurity.container())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    List<Volume> volumes = new ArrayList<>(storage.volumes());
    volumes.add(emptyDir("models", null));
    volumes.add(emptyDir("tmp", null));
    volumes.add(
        new VolumeBuilder()
            .withName("adapter-list")
            .withNewConfigMap()
            .withName(ServingNames.adapterList(md, versionName))
            .withDefaultMode(0444)
            .endConfigMap()
            .build());
    if (gpus > 0) {
      volumes.add(emptyDir("dshm", "Memory"));
    }

    Map<String, String> labels = ServingNames.versionLabels(md, versionName);
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(ServingNames.deployment(md, versionName))
            .withNamespace(namespace)
            .withLabels(labels)
            .withOwnerReferences(ControllerReference.to(md))
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .withMatchLabels(ServingNames.versionSelector(md, versionName))
            .endSelector()
            // A new pod must verify and become ready before an old one goes: never fewer serving.
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString(0))
            .withMaxSurge(new IntOrString(1))
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withEnableServiceLinks(false)
            .withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds((long) DRAIN_SECONDS + 10)
            .withInitContainers(fetch)
            .withContainers(serve)
            .withVolumes(volumes)
            .withSecurityContext(RestrictedSecurity.pod())
            .withTolerations(
                gpus > 0
                    ? List.of(
                        new TolerationBuilder()
                            .withKey(TrainingJobBuilder.GPU)
                            .withOperator("Exists")
                            .withEffect("NoSchedule")
                            .build())
                    : List.of())
            .withNodeSelector(
                resources.getGpuProduct() == null
                    ? Map.of()
                    : Map.of(TrainingJobBuilder.GPU_PRODUCT_LABEL, resources.getGpuProduct()))
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    SpecHash.annotate(deployment, deployment.getSpec());
    return deployment;
  }

  /** The runtime's storage flags (its StoreOptions) for a location, as environment variables. */
  public static List<EnvVar> storeEnvironment(StoreAddress address) {
    List<EnvVar> env = new ArrayList<>();
    if (address.endpoint() != null) {
      env.add(env(RuntimeEnvironment.S3_ENDPOINT, address.endpoint()));
    }
    if (address.region() != null) {
      env.add(env(RuntimeEnvironment.S3_REGION, address.region()));
    }
    if (address.pathStyle() != null) {
      env.add(env(RuntimeEnvironment.S3_PATH_STYLE, String.valueOf(address.pathStyle())));
    }
    if (address.credentialsDirectory() != null) {
      env.add(env(RuntimeEnvironment.S3_CREDENTIALS_DIR, address.credentialsDirectory()));
    }
    env.add(env(RuntimeEnvironment.CLAIMS_ROOT, PodStorage.VOLUMES_ROOT));
    return env;
  }

  private static List<EnvVar> trustEnvironment(String namespace, String trustedKeys) {
    return List.of(
        env(RuntimeEnvironment.TRUSTED_KEYS, trustedKeys),
        env(RuntimeEnvironment.NAMESPACE, namespace),
        env(RuntimeEnvironment.TERMINATION_LOG, TERMINATION_LOG),
        env("HOME", "/tmp"));
  }

  private static Probe probe(
      String path, int periodSeconds, int timeoutSeconds, int failures, int successes) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HTTP_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(timeoutSeconds)
        .withFailureThreshold(failures)
        .withSuccessThreshold(successes)
        .build();
  }

  private static ResourceRequirements computeResources(ServingResources resources, int gpus) {
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
    if (resources.getCpu() != null) {
      builder.addToRequests("cpu", resources.getCpu());
    }
    if (resources.getMemory() != null) {
      builder.addToRequests("memory", resources.getMemory());
      builder.addToLimits("memory", resources.getMemory());
    }
    if (gpus > 0) {
      builder.addToLimits(TrainingJobBuilder.GPU, new Quantity(String.valueOf(gpus)));
    }
    return builder.build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Volume emptyDir(String name, String medium) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withMedium(medium)
        .endEmptyDir()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }
}
