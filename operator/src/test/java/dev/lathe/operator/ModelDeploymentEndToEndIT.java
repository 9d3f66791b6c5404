package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.S3Store;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalKubelet;
import dev.lathe.engine.tinybase.TinyBaseModel;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * A ModelDeployment of the tiny base served for real: the runtime's own fetch-and-verify and serve
 * run as pods on the local node (which honours their probes), the OpenAI API answers from the pod
 * with the verified digest as system_fingerprint; a byte flipped in the stored artifact is refused
 * by the next pod, and the ModelDeployment says DigestMismatch and names the file while the
 * verified pod keeps serving. Requests go to the pod's address: a route through the gateway is not
 * made by the operator yet.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelDeploymentEndToEndIT {

  private static final String NAMESPACE = "serving-e2e";
  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final Duration PATIENCE = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final KubernetesClient client;
  private LoopbackS3 s3;
  private LocalKubelet node;
  private LatheOperator lathe;
  private String digest;

  ModelDeploymentEndToEndIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeAll
  void publishTheTinyBaseStartTheNodeAndTheOperator() throws Exception {
    s3 = new LoopbackS3();
    ServingTestbed.restrictedNamespaces(client, NAMESPACE, OPERATOR_NAMESPACE);
    ServingTestbed.s3Credentials(client, NAMESPACE);
    KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    ServingTestbed.trustPolicy(client, OPERATOR_NAMESPACE, key);
    Path tinyBase = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    digest =
        new ArtifactPublisher(s3.store("models", "tiny-base"))
            .publish(tinyBase, "tiny-base", "", ModelHasher.files(), key, Optional.empty())
            .manifestDigest();

    node = ServingTestbed.node(client, "e2e-serving-node", true);
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
                    "LATHE_RUNTIME_IMAGE", "registry.local/lathe-runtime:it")));
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
  void theVerifiedTinyBaseServesAndEveryAnswerNamesItsDigest() throws Exception {
    client.resource(Serialization.unmarshal(modelVersionYaml(), ModelVersion.class)).create();
    client.resource(Serialization.unmarshal(deploymentYaml(), ModelDeployment.class)).create();

    ModelDeployment ready = awaitReady(Condition.TRUE);
    assertThat(ready.getStatus().getReady()).isEqualTo("1/1");
    assertThat(ready.getStatus().getStableDigest()).isEqualTo(digest);

    Pod pod = servingPods().get(0);
    String base = "http://" + pod.getStatus().getPodIP() + ":8000/v1";
    HttpResponse<String> models = get(base + "/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(models.body()).at("/data/0/id").asText()).isEqualTo("tiny-chat");

    HttpResponse<String> chat =
        post(
            base + "/chat/completions",
            "{\"model\":\"tiny-chat\",\"max_tokens\":4,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(chat.body());
    assertThat(answer.get("system_fingerprint").asText()).isEqualTo(digest);
    assertThat(chat.headers().firstValue("Lathe-Model-Digest")).contains(digest);
    assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
  }

  @Test
  @Order(2)
  void aByteFlippedInTheStoredArtifactIsRefusedByTheNextPodAndTheDeploymentNamesTheFile()
      throws Exception {
    S3Store store = s3.store("models", "tiny-base");
    byte[] weights = store.read("model.safetensors").orElseThrow();
    weights[weights.length - 1] ^= 1;
    store.write("model.safetensors", weights);
    String servingPod = servingPods().get(0).getMetadata().getName();

    client.resources(ModelDeployment.class).inNamespace(NAMESPACE).withName("tiny-chat").scale(2);

    ModelDeployment degraded =
        await()
            .atMost(PATIENCE)
            .until(
                this::current,
                md ->
                    condition(md, "Degraded")
                        .filter(c -> "DigestMismatch".equals(c.getReason()))
                        .isPresent());
    Condition why = condition(degraded, "Degraded").orElseThrow();
    // The init container leaves the served weights to serve, which hashes them as it loads them.
    assertThat(why.getMessage()).contains("model.safetensors").contains("(serve)");
    assertThat(condition(degraded, "Ready").orElseThrow().getReason()).isEqualTo("DigestMismatch");
    assertThat(degraded.getStatus().getReadyReplicas()).isEqualTo(1);
    // The verified pod still answers; the refusing one never became ready.
    Pod first = client.pods().inNamespace(NAMESPACE).withName(servingPod).get();
    HttpResponse<String> models = get("http://" + first.getStatus().getPodIP() + ":8000/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(servingPods())
        .filteredOn(p -> !p.getMetadata().getName().equals(servingPod))
        .allSatisfy(
            p ->
                assertThat(
                        p.getStatus().getConditions().stream()
                            .filter(c -> "Ready".equals(c.getType()))
                            .map(c -> c.getStatus())
                            .findFirst())
                    .contains("False"));
  }

  private ModelDeployment awaitReady(String status) {
    return await()
        .atMost(PATIENCE)
        .until(
            this::current,
            md -> condition(md, "Ready").filter(c -> status.equals(c.getStatus())).isPresent());
  }

  private ModelDeployment current() {
    return client
        .resources(ModelDeployment.class)
        .inNamespace(NAMESPACE)
        .withName("tiny-chat")
        .get();
  }

  private List<Pod> servingPods() {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("lathe.dev/model-deployment", "tiny-chat")
        .list()
        .getItems();
  }

  private static Optional<Condition> condition(ModelDeployment md, String type) {
    return ResourceStatus.condition(md, type);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String modelVersionYaml() {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelVersion\n"
        + "metadata: {name: tiny-base, namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  modelName: tiny-base\n"
        + "  format: hf-safetensors\n"
        + "  source:\n"
        + "    storage: {uri: 's3://models/tiny-base', endpoint: '"
        + s3.endpoint()
        + "', pathStyle: true, credentialsSecret: s3-credentials}\n";
  }

  private static String deploymentYaml() {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelDeployment\n"
        + "metadata: {name: tiny-chat, namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  modelVersion: tiny-base\n"
        + "  replicas: 1\n";
  }
}
