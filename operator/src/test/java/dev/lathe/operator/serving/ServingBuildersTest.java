package dev.lathe.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.EnvVariable;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentSpec;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelSource;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionSpec;
import dev.lathe.api.v1alpha1.RuntimeSpec;
import dev.lathe.api.v1alpha1.ServingResources;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.contract.RuntimeEnvironment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The serving builders: what the runtime pods, Services and adapter list look like. */
class ServingBuildersTest {

  static final String KEYS = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  static final ServingInputs INPUTS = new ServingInputs("lathe-runtime:1", KEYS);

  static ModelDeployment md(String name) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace("ml").withUid("uid-md").build());
    ModelDeploymentSpec spec = new ModelDeploymentSpec();
    spec.setModelVersion("llama-v1");
    md.setSpec(spec);
    return md;
  }

  static ModelVersion version(String credentials) {
    ModelVersion v = new ModelVersion();
    v.setMetadata(new ObjectMetaBuilder().withName("llama-v1").withNamespace("ml").build());
    ModelVersionSpec spec = new ModelVersionSpec();
    spec.setFormat(ModelFormat.HF_SAFETENSORS);
    StorageLocation location = new StorageLocation();
    location.setUri("s3://models/llama-v1");
    location.setEndpoint("http://minio:9000");
    location.setPathStyle(true);
    location.setCredentialsSecret(credentials);
    ModelSource source = new ModelSource();
    source.setStorage(location);
    spec.setSource(source);
    v.setSpec(spec);
    return v;
  }

  static Map<String, String> env(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void
      theRuntimePodFetchesAndVerifiesInAnInitContainerWithTheTrustedKeysAndOnlyTheModelsCredentials() {
    Deployment d = RuntimeDeploymentBuilder.build(md("bot"), version("minio-creds"), 2, INPUTS);
    PodSpec pod = d.getSpec().getTemplate().getSpec();

    Container fetch = pod.getInitContainers().get(0);
    assertThat(fetch.getName()).isEqualTo("fetch-and-verify");
    assertThat(fetch.getArgs()).containsExactly("fetch-and-verify");
    assertThat(env(fetch))
        .containsEntry("LATHE_MODEL_URI", "s3://models/llama-v1")
        .containsEntry("LATHE_TRUSTED_KEYS", KEYS)
        .containsEntry("LATHE_NAMESPACE", "ml")
        .containsEntry("LATHE_MODELS_DIR", "/models")
        .containsEntry("LATHE_S3_ENDPOINT", "http://minio:9000")
        .containsEntry("LATHE_S3_PATH_STYLE", "true")
        .containsEntry("LATHE_S3_CREDENTIALS_DIR", "/var/run/lathe/credentials/minio-creds")
        .containsEntry("LATHE_TERMINATION_LOG", "/dev/termination-log");
    assertThat(fetch.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("minio-creds");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    Volume models =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals("models"))
            .findFirst()
            .orElseThrow();
    assertThat(models.getEmptyDir()).isNotNull();
  }

  @Test
  void everyVariableSetOnTheRuntimesContainersIsANameOfTheRuntimeContract() throws Exception {
    PodSpec pod =
        RuntimeDeploymentBuilder.build(md("bot"), version("minio-creds"), 2, INPUTS)
            .getSpec()
            .getTemplate()
            .getSpec();
    java.util.Set<String> contract = new java.util.HashSet<>();
    for (java.lang.reflect.Field field : RuntimeEnvironment.class.getFields()) {
      contract.add((String) field.get(null));
    }

    assertThat(
            java.util.stream.Stream.concat(
                    pod.getInitContainers().stream(), pod.getContainers().stream())
                .flatMap(c -> c.getEnv().stream())
                .map(EnvVar::getName)
                .filter(name -> name.startsWith("LATHE_")))
        .isNotEmpty()
        .allSatisfy(name -> assertThat(contract).as("RuntimeEnvironment").contains(name));
  }

  @Test
  void theServeContainerIsProbedOnReadyzAndHealthzWithAStartupProbeLongEnoughToRehashALargeModel() {
    Container serve =
        RuntimeDeploymentBuilder.build(md("bot"), version(null), 1, INPUTS)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(serve.getName()).isEqualTo("serve");
    assertThat(serve.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(serve.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(serve.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    int startupSeconds =
        serve.getStartupProbe().getPeriodSeconds() * serve.getStartupProbe().getFailureThreshold();
    assertThat(startupSeconds).isGreaterThanOrEqualTo(3600);
    assertThat(serve.getPorts()).extracting(p -> p.getContainerPort()).contains(8000);
    assertThat(env(serve))
        .containsEntry("LATHE_MODEL_NAME", "bot")
        .containsEntry("LATHE_ADAPTER_LIST", "/etc/lathe/adapters/adapters.json")
        .containsEntry("LATHE_TRUSTED_KEYS", KEYS)
        .containsEntry("LATHE_PORT", "8000");
    // Its own address: replicas on one host (the local node) must not claim one port.
    assertThat(serve.getEnv())
        .filteredOn(e -> e.getName().equals("LATHE_HOST"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("status.podIP"));
    assertThat(serve.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("adapter-list");
              assertThat(m.getMountPath()).isEqualTo("/etc/lathe/adapters");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void everyContainerRunsUnderTheRestrictedPodSecurityStandard() {
    PodSpec pod =
        RuntimeDeploymentBuilder.build(md("bot"), version(null), 1, INPUTS)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : List.of(pod.getInitContainers().get(0), pod.getContainers().get(0))) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }
  }

  @Test
  void gpusAreLimitsWithTheProductsNodeSelectorAndTheGpuTolerationAndRuntimeSettingsPassThrough() {
    ModelDeployment md = md("bot");
    ServingResources resources = new ServingResources();
    resources.setGpus(2);
    resources.setGpuProduct("NVIDIA-H100-80GB-HBM3");
    resources.setMemory(new Quantity("64Gi"));
    md.getSpec().setResources(resources);
    RuntimeSpec runtime = new RuntimeSpec();
    runtime.setImage("registry.example/lathe-runtime@sha256:abcd");
    runtime.setMaxBatchSize(16);
    runtime.setMaxQueueLength(128);
    EnvVariable extra = new EnvVariable();
    extra.setName("JAVA_TOOL_OPTIONS");
    extra.setValue("-Xmx60g");
    runtime.setEnv(List.of(extra));
    md.getSpec().setRuntime(runtime);

    PodSpec pod =
        RuntimeDeploymentBuilder.build(md, version(null), 1, INPUTS)
            .getSpec()
            .getTemplate()
            .getSpec();
    Container serve = pod.getContainers().get(0);

    assertThat(serve.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"))
        .containsEntry("memory", new Quantity("64Gi"));
    assertThat(pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");
    assertThat(serve.getImage()).isEqualTo("registry.example/lathe-runtime@sha256:abcd");
    assertThat(pod.getInitContainers().get(0).getImage()).isEqualTo(serve.getImage());
    assertThat(env(serve))
        .containsEntry("LATHE_MAX_BATCH", "16")
        .containsEntry("LATHE_MAX_QUEUE", "128")
        .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx60g");
  }

  @Test
  void podsCarryTheirDeploymentAndVersionButNoTrackSoPromotionMovesNoPod() {
    ModelDeployment md = md("bot");
    Deployment d = RuntimeDeploymentBuilder.build(md, version(null), 3, INPUTS);

    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels)
        .containsEntry("lathe.dev/model-deployment", "bot")
        .containsEntry("lathe.dev/model-version", "llama-v1")
        .doesNotContainKey("lathe.dev/track");
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .isEqualTo(
            Map.of("lathe.dev/model-deployment", "bot", "lathe.dev/model-version", "llama-v1"));
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();

    Service endpoint = ServingServiceBuilder.endpoint(md);
    Service stable = ServingServiceBuilder.version(md, "llama-v1", ServingNames.STABLE);
    Service canary = ServingServiceBuilder.version(md, "llama-v1", ServingNames.CANARY);
    assertThat(endpoint.getSpec().getSelector())
        .isEqualTo(Map.of("lathe.dev/model-deployment", "bot"));
    assertThat(stable.getSpec().getSelector())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());
    assertThat(stable.getMetadata().getLabels()).containsEntry("lathe.dev/track", "stable");
    // Same pods, another track: only the Service changes.
    assertThat(canary.getSpec().getSelector()).isEqualTo(stable.getSpec().getSelector());
    assertThat(canary.getMetadata().getLabels()).containsEntry("lathe.dev/track", "canary");
    assertThat(SpecHash.on(canary)).isNotEqualTo(SpecHash.on(stable));
  }

  @Test
  void everyObjectIsOwnedByTheModelDeploymentAndNamedDeterministically() {
    ModelDeployment md = md("bot");
    Deployment d = RuntimeDeploymentBuilder.build(md, version(null), 1, INPUTS);
    ConfigMap list = AdapterListBuilder.build(md, "llama-v1", List.of());
    Service endpoint = ServingServiceBuilder.endpoint(md);

    for (var object : List.of(d, list, endpoint)) {
      assertThat(object.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getUid()).isEqualTo("uid-md");
                assertThat(o.getKind()).isEqualTo("ModelDeployment");
                assertThat(o.getController()).isTrue();
              });
    }
    assertThat(d.getMetadata().getName()).isEqualTo("bot-llama-v1");
    assertThat(list.getMetadata().getName()).isEqualTo("bot-llama-v1-adapters");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getConfigMap() != null)
        .extracting(v -> v.getConfigMap().getName())
        .containsExactly("bot-llama-v1-adapters");
    assertThat(SpecHash.on(RuntimeDeploymentBuilder.build(md, version(null), 1, INPUTS)))
        .isEqualTo(SpecHash.on(d))
        .isPresent();
  }

  @Test
  void serviceNamesAreDns1035LabelsEvenForDottedLongOrDigitLedDeploymentNames() {
    String longName = "a".repeat(70) + ".v2";
    assertThat(ServingNames.endpointService(md("chat.prod"))).isEqualTo("chat-prod");
    assertThat(ServingNames.endpointService(md("7b-chat"))).isEqualTo("md-7b-chat");
    String bounded = ServingNames.endpointService(md(longName));
    assertThat(bounded).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(ServingServiceBuilder.inClusterUrl(md("chat.prod")))
        .isEqualTo("http://chat-prod.ml.svc:8000/v1");
  }

  @Test
  void theAdapterListIsTheRuntimesFormatInSpecOrder() throws Exception {
    String content =
        AdapterListBuilder.content(
            List.of(
                new AdapterListBuilder.Entry("b-bot", "s3://m/b", "sha256:" + "b".repeat(64)),
                new AdapterListBuilder.Entry("a-bot", "s3://m/a", "sha256:" + "a".repeat(64))));

    var tree = new ObjectMapper().readTree(content);
    assertThat(tree.get("adapters")).hasSize(2);
    assertThat(tree.at("/adapters/0/name").asText()).isEqualTo("b-bot");
    assertThat(tree.at("/adapters/0/uri").asText()).isEqualTo("s3://m/b");
    assertThat(tree.at("/adapters/1/manifestDigest").asText())
        .isEqualTo("sha256:" + "a".repeat(64));
    assertThat(AdapterListBuilder.content(List.of())).isEqualTo("{\"adapters\":[]}");
  }
}
