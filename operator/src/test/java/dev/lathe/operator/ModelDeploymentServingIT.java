package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalKubelet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A ModelDeployment on the real control plane and operator: nothing is created while its
 * ModelVersion is unverified; once a verification Job on the local node verified it (S3 over
 * loopback, a signed artifact), its ConfigMap, Services and Deployment appear with the runtime's
 * probes, the restricted security context and owner references, the ReplicaSet's pods pass the
 * restricted Pod Security Standard, and the scale subresource reaches the Deployment. The runtime
 * pods ask for a GPU the local node does not have, so they stay Pending: serving through a gateway
 * is the local node's serving work (issue 13, items 5 and 6).
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelDeploymentServingIT {

  private static final String NAMESPACE = "serving";
  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String RUNTIME_IMAGE = "registry.local/lathe-runtime:it";
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private final KubernetesClient client;
  private LoopbackS3 s3;
  private LocalKubelet node;
  private LatheOperator lathe;
  private KeyPair key;
  private String digest;

  ModelDeploymentServingIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeAll
  void startStorageNodeAndOperator() throws Exception {
    s3 = new LoopbackS3();
    ServingTestbed.restrictedNamespaces(client, NAMESPACE, OPERATOR_NAMESPACE);
    ServingTestbed.s3Credentials(client, NAMESPACE);
    key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    ServingTestbed.trustPolicy(client, OPERATOR_NAMESPACE, key);
    node = ServingTestbed.node(client, "serving-node", false);
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.of(NAMESPACE),
            0,
            "127.0.0.1",
            Duration.ofSeconds(2),
            WorkloadSettings.fromEnvironment(
                Map.of(
                    "LATHE_OPERATOR_NAMESPACE", OPERATOR_NAMESPACE,
                    "LATHE_TRAINER_IMAGE", "registry.local/lathe-trainer:it",
                    "LATHE_RUNTIME_IMAGE", RUNTIME_IMAGE)));
    lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(30)).until(lathe::isReady);
  }

  @AfterAll
  void stop() throws Exception {
    if (lathe != null) {
      lathe.stop();
    }
    if (node != null) {
      node.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void nothingIsCreatedWhileTheModelVersionIsUnverifiedAndEverythingOnceItIs() throws Exception {
    client.resource(Serialization.unmarshal(modelVersionYaml(), ModelVersion.class)).create();
    ModelDeployment md =
        client.resource(Serialization.unmarshal(deploymentYaml(), ModelDeployment.class)).create();

    ModelDeployment waiting =
        awaitReason("Available", ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(condition(waiting, "Ready").getStatus()).isEqualTo(Condition.FALSE);
    assertThat(condition(waiting, "Available").getMessage()).contains("ModelVersion tiny");
    // Long enough for the operator to have created something if it were going to.
    Thread.sleep(3000);
    assertThat(servingObjects()).isEmpty();
    assertThat(eventReasons(md)).contains("AwaitingVerification");

    // The artifact is published and signed: the operator's recheck finds it, a Job verifies it.
    Path model = Files.createTempDirectory("lathe-serving-model");
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(model.resolve("model.safetensors"), "weights of a very small model");
    digest =
        new ArtifactPublisher(s3.store("models", "tiny"))
            .publish(model, "tiny", "", ModelHasher.files(), key, Optional.empty())
            .manifestDigest();

    Deployment deployment =
        await()
            .atMost(PATIENCE)
            .until(
                () ->
                    client.apps().deployments().inNamespace(NAMESPACE).withName("chat-tiny").get(),
                d -> d != null);
    ModelVersion verified =
        client.resources(ModelVersion.class).inNamespace(NAMESPACE).withName("tiny").get();
    assertThat(condition(verified, "Verified").getStatus()).isEqualTo(Condition.TRUE);

    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container fetch = pod.getInitContainers().get(0);
    Container serve = pod.getContainers().get(0);
    assertThat(fetch.getName()).isEqualTo("fetch-and-verify");
    assertThat(fetch.getImage()).isEqualTo(RUNTIME_IMAGE);
    assertThat(fetch.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("LATHE_TRUSTED_KEYS"));
    assertThat(serve.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(serve.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(serve.getStartupProbe().getFailureThreshold()).isGreaterThanOrEqualTo(360);
    assertThat(serve.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(serve.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(md.getMetadata().getUid()));

    Service endpoint = client.services().inNamespace(NAMESPACE).withName("chat").get();
    assertThat(endpoint.getSpec().getSelector())
        .isEqualTo(Map.of("lathe.dev/model-deployment", "chat"));
    Service stable = client.services().inNamespace(NAMESPACE).withName("chat-tiny").get();
    assertThat(stable.getMetadata().getLabels()).containsEntry("lathe.dev/track", "stable");
    ConfigMap adapters =
        client.configMaps().inNamespace(NAMESPACE).withName("chat-tiny-adapters").get();
    assertThat(adapters.getData().get("adapters.json")).isEqualTo("{\"adapters\":[]}");
    for (var owned : List.of(endpoint, stable, adapters)) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .extracting(o -> o.getUid())
          .containsExactly(md.getMetadata().getUid());
    }

    // The ReplicaSet's pods pass the restricted Pod Security Standard; no node has a GPU for them.
    List<Pod> pods =
        await()
            .atMost(PATIENCE)
            .until(
                () ->
                    client
                        .pods()
                        .inNamespace(NAMESPACE)
                        .withLabel("lathe.dev/model-deployment", "chat")
                        .list()
                        .getItems(),
                p -> p.size() == 2);
    assertThat(pods)
        .allSatisfy(
            p -> assertThat(p.getMetadata().getLabels()).doesNotContainKey("lathe.dev/track"));

    ModelDeployment starting = awaitReason("Progressing", ModelDeploymentConditions.PODS_STARTING);
    assertThat(starting.getStatus().getEndpoint()).isEqualTo("http://chat.serving.svc:8000/v1");
    assertThat(starting.getStatus().getStableVersion()).isEqualTo("tiny");
    assertThat(starting.getStatus().getStableDigest()).isEqualTo(digest);
    assertThat(starting.getStatus().getReady()).isEqualTo("0/2");
    assertThat(condition(starting, "Ready").getReason()).isEqualTo("NoReadyReplicas");
    assertThat(eventReasons(md)).contains("Created");
  }

  @Test
  @Order(2)
  void theScaleSubresourceReachesTheDeploymentAndAHandEditIsPutBack() {
    client.resources(ModelDeployment.class).inNamespace(NAMESPACE).withName("chat").scale(3);

    await().atMost(PATIENCE).until(() -> replicas("chat-tiny"), r -> r == 3);
    ModelDeployment scaled =
        client.resources(ModelDeployment.class).inNamespace(NAMESPACE).withName("chat").get();
    assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
    assertThat(scaled.getStatus().getSelector()).isEqualTo("lathe.dev/model-deployment=chat");

    // A person edits the Deployment by hand (a merge patch: the Deployment controller writes its
    // status meanwhile, so an update with a resourceVersion would conflict).
    Deployment edited =
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withName("chat-tiny")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":1}}");
    assertThat(edited.getSpec().getReplicas()).isEqualTo(1);
    await().atMost(PATIENCE).until(() -> replicas("chat-tiny"), r -> r == 3);
  }

  private int replicas(String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }

  private List<String> servingObjects() {
    String selector = "lathe.dev/model-deployment=chat";
    List<String> names = new java.util.ArrayList<>();
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .forEach(d -> names.add("Deployment/" + d.getMetadata().getName()));
    client
        .services()
        .inNamespace(NAMESPACE)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .forEach(s -> names.add("Service/" + s.getMetadata().getName()));
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .forEach(c -> names.add("ConfigMap/" + c.getMetadata().getName()));
    return names;
  }

  private List<String> eventReasons(ModelDeployment md) {
    return ResourceStatus.eventsAbout(client, md).stream().map(e -> e.getReason()).toList();
  }

  private ModelDeployment awaitReason(String type, String reason) {
    return await()
        .atMost(PATIENCE)
        .until(
            () ->
                client
                    .resources(ModelDeployment.class)
                    .inNamespace(NAMESPACE)
                    .withName("chat")
                    .get(),
            md -> {
              Condition c = md == null || md.getStatus() == null ? null : conditionOrNull(md, type);
              return c != null && reason.equals(c.getReason());
            });
  }

  private static Condition conditionOrNull(ModelDeployment md, String type) {
    return md.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static Condition condition(
      io.fabric8.kubernetes.client.CustomResource<
              ?, ? extends dev.lathe.api.v1alpha1.ConditionedStatus>
          resource,
      String type) {
    return ResourceStatus.condition(resource, type)
        .orElseThrow(() -> new AssertionError("no " + type + " condition"));
  }

  private String modelVersionYaml() {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelVersion\n"
        + "metadata: {name: tiny, namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  modelName: tiny\n"
        + "  format: hf-safetensors\n"
        + "  source:\n"
        + "    storage: {uri: 's3://models/tiny', endpoint: '"
        + s3.endpoint()
        + "', pathStyle: true, credentialsSecret: s3-credentials}\n";
  }

  private static String deploymentYaml() {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelDeployment\n"
        + "metadata: {name: chat, namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  modelVersion: tiny\n"
        + "  replicas: 2\n"
        + "  resources: {gpus: 1}\n";
  }
}
