package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.RolloutRecord;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalControlPlane;
import dev.lathe.controlplane.LocalKubelet;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Adapter-only canary rollouts for real: the operator, the runtime's serving pods and the gate's
 * evaluation Jobs run on the real control plane and the local node, the evaluation set is read from
 * S3, and both adapter versions answer from the same pod. The stable adapter v1 and the candidate
 * v2 (and v4) are fresh LoRA adapters (they answer as the base does), v3 has noise in every weight
 * (it answers otherwise); the evaluation set's expected answers are the stable version's own. So v2
 * is promoted through two gated steps and v3 is rolled back at its first gate, on its figures,
 * while a client asks the whole time and no request fails.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdapterRolloutIT {

  private static final String NAMESPACE = "adapter-rollout";
  private static final String OPERATOR_NAMESPACE = "lathe-system-ar";
  private static final String MD = "copilot";
  private static final String ADAPTER = "support";
  private static final Duration PATIENCE = Duration.ofMinutes(8);
  private static final int EVALUATION_ITEMS = 40;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final KubernetesClient client;
  private final LocalControlPlane plane;
  private OperatorProcess operatorProcess;
  private LoopbackS3 s3;
  private LocalKubelet node;
  private LatheOperator lathe;
  private final Map<String, String> digests = new ConcurrentHashMap<>();

  AdapterRolloutIT(KubernetesClient client, LocalControlPlane plane) {
    this.client = client;
    this.plane = plane;
  }

  @BeforeAll
  void publishTheBaseAndFourAdapterVersionsStartTheNodeAndTheOperator() throws Exception {
    s3 = new LoopbackS3();
    SignedTinyModels models =
        new SignedTinyModels(ServingTestbed.prepare(client, NAMESPACE, OPERATOR_NAMESPACE));
    String base = models.publishBase(s3.store("models", "tiny-base"), "tiny-base");
    digests.put("tiny-base", base);
    String baseUri = "s3://models/tiny-base";
    digests.put(
        "support-v1",
        models.publishAdapter(s3.store("models", "support-v1"), "support-v1", 1, baseUri, base));
    digests.put(
        "support-v2",
        models.publishAdapter(s3.store("models", "support-v2"), "support-v2", 2, baseUri, base));
    digests.put(
        "support-v4",
        models.publishAdapter(s3.store("models", "support-v4"), "support-v4", 4, baseUri, base));
    digests.put(
        "support-v3",
        models.publishAdapter(
            s3.store("models", "support-v3"), "support-v3", 3, baseUri, base, 1.0));

    node = ServingTestbed.node(client, "rollout-node", true);
    lathe = ServingTestbed.operator(client, NAMESPACE, OPERATOR_NAMESPACE, Map.of());
    for (String name :
        List.of("tiny-base", "support-v1", "support-v2", "support-v3", "support-v4")) {
      String yaml =
          ServingTestbed.modelVersionYaml(
              NAMESPACE, name, s3.endpoint(), name.startsWith("support") ? "tiny-base" : null);
      client.resource(Serialization.unmarshal(yaml, ModelVersion.class)).create();
    }
    for (String name :
        List.of("tiny-base", "support-v1", "support-v2", "support-v3", "support-v4")) {
      ServingTestbed.awaitVerified(client, NAMESPACE, name);
    }
    client.resource(Serialization.unmarshal(deploymentYaml(), ModelDeployment.class)).create();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                servingPod().map(p -> answers(p, ADAPTER)).orElse(false)
                    && ResourceStatus.condition(current(), "Ready")
                        .filter(c -> Condition.TRUE.equals(c.getStatus()))
                        .isPresent());
    publishTheEvaluationSetFromStablesOwnAnswers();
  }

  @AfterAll
  void stop() throws Exception {
    if (operatorProcess != null) {
      operatorProcess.close();
    }
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
  void anAdapterVersionThatAnswersAsWellIsPromotedThroughTwoGatesOnTheSamePodAndNoRequestFails()
      throws Exception {
    String podBefore = podIdentity();
    Instant changed = Instant.now();
    try (CountingClient asking = asking()) {
      retarget("support-v2");

      ModelDeployment promoted =
          awaitDeployment(
              md -> lastRecord(md).filter(r -> "support-v2".equals(r.getVersion())).isPresent());

      System.out.printf(
          "AdapterRolloutIT: support-v2 promoted through 2 gates in %d ms; %d answers, %d failed%n",
          Duration.between(changed, Instant.now()).toMillis(),
          asking.answered.get(),
          asking.failures.size());
      RolloutRecord record = lastRecord(promoted).orElseThrow();
      assertThat(record.getAdapter()).isEqualTo(ADAPTER);
      assertThat(record.getPreviousVersion()).isEqualTo("support-v1");
      assertThat(record.getDigest()).isEqualTo(digests.get("support-v2"));
      assertThat(record.getGate()).contains("passed at steps 0, 1");
      assertThat(promoted.getStatus().getAnalysisRuns())
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.getVerdict()).isEqualTo(AnalysisVerdict.Passed))
          .allSatisfy(r -> assertThat(r.getCanaryVersion()).isEqualTo("support-v2"))
          .allSatisfy(r -> assertThat(r.getStableVersion()).isEqualTo("support-v1"));
      assertThat(promoted.getStatus().getStableVersion()).isEqualTo("tiny-base");
      assertThat(adapterVersion(promoted)).isEqualTo("support-v2");
      assertThat(asking.failures).as("no request failed during the rollout").isEmpty();
      assertThat(asking.fingerprints.keySet())
          .as("both versions answered the name during the canary")
          .contains(digests.get("support-v1"), digests.get("support-v2"));
      assertThat(podIdentity()).as("same pod, never restarted").isEqualTo(podBefore);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> everyAnswerIs(digests.get("support-v2"), 8));
  }

  @Test
  @Order(2)
  void aWorseAdapterVersionIsRolledBackAtItsFirstGateOnItsFiguresAndStableAnswersEveryRequest()
      throws Exception {
    String podBefore = podIdentity();
    try (CountingClient asking = asking()) {
      retarget("support-v3");

      ModelDeployment rolledBack =
          awaitDeployment(
              md ->
                  md.getStatus().getAbort() != null
                      && "support-v3".equals(md.getStatus().getAbort().getVersion()));

      assertThat(rolledBack.getStatus().getAbort().getReason()).isEqualTo("GateFailed");
      assertThat(rolledBack.getStatus().getAbort().getAdapter()).isEqualTo(ADAPTER);
      assertThat(rolledBack.getStatus().getAbort().getStep()).isZero();
      Condition degraded = ResourceStatus.condition(rolledBack, "Degraded").orElseThrow();
      System.out.println("AdapterRolloutIT: Degraded: " + degraded.getMessage());
      assertThat(degraded.getReason()).isEqualTo("GateFailed");
      assertThat(degraded.getMessage())
          .contains("accuracy: candidate ", ", stable 1.0", "maxRegression 0.1", "support-v3");
      AnalysisRun run = rolledBack.getStatus().getAnalysisRuns().get(0);
      assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Failed);
      assertThat(run.getResults())
          .anySatisfy(
              r -> {
                assertThat(r.getPassed()).isFalse();
                assertThat(r.getStable()).isEqualTo(1.0);
                assertThat(r.getCanary()).isLessThan(0.9);
              });
      assertThat(ResourceStatus.condition(rolledBack, "RolledBack").orElseThrow().getReason())
          .isEqualTo("GateFailed");
      assertThat(adapterVersion(rolledBack))
          .as("v2 still answers the name")
          .isEqualTo("support-v2");
      assertThat(events("GateFailed")).anySatisfy(m -> assertThat(m).contains("accuracy"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> everyAnswerIs(digests.get("support-v2"), 20));
      assertThat(asking.failures).as("no request failed during the rollout").isEmpty();
      assertThat(podIdentity()).as("same pod, never restarted").isEqualTo(podBefore);
    }
    // It stays rolled back (the operator never writes the spec) and runs no second gate.
    Thread.sleep(3000);
    ModelDeployment later = current();
    assertThat(ResourceStatus.condition(later, "Degraded").orElseThrow().getReason())
        .isEqualTo("GateFailed");
    assertThat(later.getStatus().getAnalysisRuns()).hasSize(1);
  }

  /**
   * The evaluation set: copy-task prompts whose expected answers are what the stable adapter
   * answers now, asked as the gate asks (greedy, 64 tokens), so the stable version scores 1.0.
   */
  private void publishTheEvaluationSetFromStablesOwnAnswers() throws Exception {
    String pod = "http://" + servingPod().orElseThrow().getStatus().getPodIP() + ":8000/v1";
    String[] words = {"maple", "ember", "frost", "cedar", "amber", "river", "stone", "cloud"};
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < EVALUATION_ITEMS; i++) {
      // 37 is prime to 512, so the first 512 items are distinct triples: no item counts twice.
      int triple = i * 37 % 512;
      String prompt =
          "Copy: "
              + words[triple / 64]
              + " "
              + words[triple / 8 % 8]
              + " "
              + words[triple % 8]
              + "\n";
      HttpResponse<String> answer = complete(pod, ADAPTER, prompt, 64);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      ObjectNode item = JSON.createObjectNode();
      item.put("prompt", prompt);
      item.put("completion", JSON.readTree(answer.body()).at("/choices/0/text").asText());
      jsonl.append(JSON.writeValueAsString(item)).append('\n');
    }
    s3.store("datasets", "").write("eval.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Order(3)
  void anOperatorKilledMidGateResumesTheSameStepRunsEachGateOnceAndPromotes() throws Exception {
    // The operator as its own process from here on, so that it can be SIGKILLed.
    lathe.stop();
    lathe = null;
    Map<String, String> env =
        Map.of(
            "LATHE_OPERATOR_NAMESPACE", OPERATOR_NAMESPACE,
            "LATHE_WATCH_NAMESPACES", NAMESPACE,
            "LATHE_TRAINER_IMAGE", "registry.local/lathe-trainer:it",
            "LATHE_RUNTIME_IMAGE", "registry.local/lathe-runtime:it",
            "LATHE_RECHECK_SECONDS", "2");
    operatorProcess = OperatorProcess.start(plane.kubeconfig(), env);
    String gate0 = "copilot-gate-0-" + digests.get("support-v4").substring(7, 19);
    try (CountingClient asking = asking()) {
      retarget("support-v4");
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(NAMESPACE).withName(gate0).get() != null);
      operatorProcess.kill();
      System.out.println(
          "AdapterRolloutIT: operator SIGKILLed with gate Job " + gate0 + " running");
      operatorProcess = OperatorProcess.start(plane.kubeconfig(), env);

      ModelDeployment promoted =
          awaitDeployment(
              md -> lastRecord(md).filter(r -> "support-v4".equals(r.getVersion())).isPresent());

      List<String> gates =
          client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().stream()
              .map(j -> j.getMetadata().getName())
              .filter(n -> n.contains(digests.get("support-v4").substring(7, 19)))
              .sorted()
              .toList();
      assertThat(gates)
          .as("one evaluation Job per gate, none run twice")
          .containsExactly(gate0, "copilot-gate-1-" + digests.get("support-v4").substring(7, 19));
      assertThat(promoted.getStatus().getAnalysisRuns())
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.getVerdict()).isEqualTo(AnalysisVerdict.Passed));
      assertThat(adapterVersion(promoted)).isEqualTo("support-v4");
      assertThat(asking.failures).as("no request failed while the operator was down").isEmpty();
    } catch (RuntimeException | AssertionError e) {
      System.err.println("--- operator:\n" + operatorProcess.logTail(60));
      throw e;
    }
  }

  /** Asks the adapter by its name from the pod, the whole time. */
  private CountingClient asking() {
    String pod = "http://" + servingPod().orElseThrow().getStatus().getPodIP() + ":8000/v1";
    return new CountingClient(
        "adapter-rollout-client", () -> complete(pod, ADAPTER, "Copy: maple ember frost\n", 4));
  }

  private boolean everyAnswerIs(String digest, int times) throws Exception {
    String pod = "http://" + servingPod().orElseThrow().getStatus().getPodIP() + ":8000/v1";
    for (int i = 0; i < times; i++) {
      HttpResponse<String> r = complete(pod, ADAPTER, "Copy: maple ember frost\n", 2);
      if (r.statusCode() != 200
          || !digest.equals(JSON.readTree(r.body()).get("system_fingerprint").asText())) {
        return false;
      }
    }
    return true;
  }

  private ModelDeployment awaitDeployment(java.util.function.Predicate<ModelDeployment> done) {
    try {
      return await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .until(this::current, md -> md != null && md.getStatus() != null && done.test(md));
    } catch (RuntimeException | AssertionError e) {
      System.err.println(Serialization.asYaml(current()));
      throw e;
    }
  }

  private static Optional<RolloutRecord> lastRecord(ModelDeployment md) {
    List<RolloutRecord> history = md.getStatus().getHistory();
    return history == null || history.isEmpty()
        ? Optional.empty()
        : Optional.of(history.get(history.size() - 1));
  }

  private static String adapterVersion(ModelDeployment md) {
    return md.getStatus().getAdapters().stream()
        .filter(a -> ADAPTER.equals(a.getName()))
        .findFirst()
        .orElseThrow()
        .getModelVersion();
  }

  private List<String> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private void retarget(String version) {
    client
        .resources(ModelDeployment.class)
        .inNamespace(NAMESPACE)
        .withName(MD)
        .edit(
            d -> {
              d.getSpec().getAdapters().get(0).setModelVersion(version);
              return d;
            });
  }

  private ModelDeployment current() {
    return client.resources(ModelDeployment.class).inNamespace(NAMESPACE).withName(MD).get();
  }

  private Optional<Pod> servingPod() {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("lathe.dev/model-deployment", MD)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .findFirst();
  }

  /** The serving pods' names, uids and restart counts: what a new or restarted pod changes. */
  private String podIdentity() {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("lathe.dev/model-deployment", MD)
        .list()
        .getItems()
        .stream()
        .map(
            p ->
                p.getMetadata().getName()
                    + "/"
                    + p.getMetadata().getUid()
                    + " restarts "
                    + p.getStatus().getContainerStatuses().stream()
                        .map(ContainerStatus::getRestartCount)
                        .toList())
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static boolean answers(Pod pod, String model) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://" + pod.getStatus().getPodIP() + ":8000/v1/models/" + model))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static HttpResponse<String> complete(
      String base, String model, String prompt, int maxTokens) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("prompt", prompt);
    body.put("max_tokens", maxTokens);
    body.put("temperature", 0);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + "/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String deploymentYaml() {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelDeployment\n"
        + "metadata: {name: "
        + MD
        + ", namespace: "
        + NAMESPACE
        + "}\n"
        + "spec:\n"
        + "  modelVersion: tiny-base\n"
        + "  replicas: 1\n"
        + "  adapters:\n"
        + "  - {name: "
        + ADAPTER
        + ", modelVersion: support-v1}\n"
        + "  rollout:\n"
        + "    scaleDownDelay: 5s\n"
        + "    steps:\n"
        + "    - {weight: 25, evaluate: true}\n"
        + "    - {weight: 50, evaluate: true}\n"
        + "    evaluation:\n"
        + "      dataset: {uri: 's3://datasets/eval.jsonl', endpoint: '"
        + s3.endpoint()
        + "', pathStyle: true, credentialsSecret: s3-credentials}\n"
        + "      minSamples: 8\n"
        + "      thresholds:\n"
        + "      - {metric: accuracy, maxRegression: 0.1}\n";
  }
}
