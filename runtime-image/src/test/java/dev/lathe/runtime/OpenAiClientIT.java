package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.GateReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime as a ModelDeployment runs it: fetch-and-verify fetches the adapter and, through its
 * signed provenance, the base; serve serves both; the official OpenAI Python client talks to it.
 * Greedy answers must equal what the engine alone decodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiClientIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKENS = 12;

  @TempDir static Path work;
  static SignedModels models;
  static RuntimeProcess server;
  static int port;
  static JsonNode seen;

  @BeforeAll
  static void fetchVerifyServeAndAsk() throws Exception {
    models = SignedModels.create(work);
    Path modelsDir = work.resolve("models");
    RuntimeProcess fetch =
        RuntimeProcess.start(
            work.resolve("logs"),
            Map.of(),
            "fetch-and-verify",
            "--model-uri",
            models.adapterUri,
            "--models-dir",
            modelsDir.toString(),
            "--trusted-keys-dir",
            models.trustedKeys.toString());
    assertThat(fetch.waitFor(Duration.ofMinutes(2))).as(fetch.output()).isZero();
    // The adapter is hashed whole here; the base it runs on leaves its weights to serve's load.
    List<String> deferred =
        fetch.output().lines().filter(line -> line.contains("serve hashes")).toList();
    assertThat(deferred).hasSize(1);
    assertThat(deferred.get(0))
        .contains("verified " + models.baseUri + ":", "serve hashes model.safetensors");
    Files.createDirectories(modelsDir.resolve("adapters"));
    port = RuntimeProcess.freePort();
    server =
        RuntimeProcess.start(
            work.resolve("logs"),
            Map.of(),
            "serve",
            "--models-dir",
            modelsDir.toString(),
            "--trusted-keys-dir",
            models.trustedKeys.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--adapter-scan-seconds",
            "1");
    server.awaitReady(port, Duration.ofMinutes(1));

    Process client =
        new ProcessBuilder(
                System.getProperty("lathe.runtime.openaiScript"),
                "http://127.0.0.1:" + port + "/v1",
                SignedModels.BASE_NAME,
                SignedModels.ADAPTER_NAME,
                SignedModels.PROMPT,
                SignedModels.CHAT.get(0).content(),
                Integer.toString(MAX_TOKENS))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(client.getInputStream().readAllBytes());
    assertThat(client.waitFor()).as(out).isZero();
    seen = JSON.readTree(out);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void listsTheBaseAndTheAdapterAsModels() {
    assertThat(seen.get("models").toString())
        .isEqualTo(JSON.createArrayNode().add("answer-bot").add("tiny-base").toString());
  }

  @Test
  @Order(1)
  void completionOfTheBaseIsWhatTheEngineDecodesGreedily() {
    JsonNode completion = seen.get("completion_base");
    String expected = models.reference(false, models.encode(SignedModels.PROMPT), MAX_TOKENS);
    assertThat(completion.get("text").asText()).isEqualTo(expected).isNotEmpty();
    assertThat(completion.get("object").asText()).isEqualTo("text_completion");
    assertThat(completion.at("/usage/prompt_tokens").asInt())
        .isEqualTo(models.encode(SignedModels.PROMPT).length);
    assertThat(completion.at("/usage/completion_tokens").asInt()).isBetween(1, MAX_TOKENS);
  }

  @Test
  @Order(1)
  void modelFieldSelectsTheAdapterWhichAnswersDifferently() {
    String base = seen.at("/completion_base/text").asText();
    String adapted = seen.at("/completion_adapter/text").asText();
    assertThat(adapted)
        .isEqualTo(models.reference(true, models.encode(SignedModels.PROMPT), MAX_TOKENS))
        .isNotEqualTo(base);
  }

  @Test
  @Order(1)
  void chatRendersTheTokenizersTemplateAndAnswersAsTheEngine() {
    JsonNode chat = seen.get("chat_adapter");
    String expected = models.reference(true, models.chatPrompt(), MAX_TOKENS);
    assertThat(chat.get("content").asText()).isEqualTo(expected).contains("lathe");
    assertThat(chat.get("role").asText()).isEqualTo("assistant");
    assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
    assertThat(chat.at("/usage/prompt_tokens").asInt()).isEqualTo(models.chatPrompt().length);
  }

  @Test
  @Order(1)
  void streamingDeliversTheSameTextInSeveralChunksWithUsageLast() {
    JsonNode stream = seen.get("chat_stream");
    assertThat(stream.get("content").asText()).isEqualTo(seen.at("/chat_adapter/content").asText());
    assertThat(stream.get("chunks").asInt()).isGreaterThan(1);
    assertThat(stream.get("finish_reason").asText())
        .isEqualTo(seen.at("/chat_adapter/finish_reason").asText());
    assertThat(stream.at("/usage/completion_tokens").asInt())
        .isEqualTo(seen.at("/chat_adapter/usage/completion_tokens").asInt());
    assertThat(seen.at("/completion_stream/text").asText())
        .isEqualTo(seen.at("/completion_base/text").asText());
  }

  @Test
  @Order(1)
  void everyResponseNamesTheVerifiedDigestOfTheModelThatAnsweredAsItsSystemFingerprint() {
    assertThat(models.baseDigest).startsWith("sha256:").isNotEqualTo(models.adapterDigest);
    assertThat(seen.at("/completion_base/system_fingerprint").asText())
        .isEqualTo(models.baseDigest);
    assertThat(seen.at("/completion_adapter/system_fingerprint").asText())
        .isEqualTo(models.adapterDigest);
    assertThat(seen.at("/chat_adapter/system_fingerprint").asText())
        .isEqualTo(models.adapterDigest);
    assertThat(seen.at("/chat_stream/system_fingerprints").toString())
        .isEqualTo("[\"" + models.adapterDigest + "\"]");
    assertThat(seen.at("/completion_stream/system_fingerprints").toString())
        .isEqualTo("[\"" + models.baseDigest + "\"]");
    assertThat(seen.get("digest_header_adapter").asText()).isEqualTo(models.adapterDigest);
    assertThat(seen.get("digest_header_base_stream").asText()).isEqualTo(models.baseDigest);
  }

  @Test
  @Order(1)
  void seededSamplingRepeatsAndNGivesThatManyChoices() {
    assertThat(seen.get("seeded").get(0).asText()).isEqualTo(seen.get("seeded").get(1).asText());
    assertThat(seen.get("n").toString()).isEqualTo("[0,1,2]");
  }

  @Test
  @Order(1)
  void errorsAreOpenAiShapedWithTheRightStatusAndParameter() {
    assertThat(seen.get("error_unknown_model").toString())
        .contains("\"raised\":\"NotFoundError\"", "\"status\":404", "\"code\":\"model_not_found\"");
    assertThat(seen.get("error_temperature").toString())
        .contains("\"raised\":\"BadRequestError\"", "\"status\":400", "\"param\":\"temperature\"");
    assertThat(seen.get("error_max_tokens").toString())
        .contains("\"status\":400", "\"param\":\"max_tokens\"", "context_length_exceeded");
    assertThat(seen.get("error_messages").toString())
        .contains("\"status\":400", "\"param\":\"messages\"");
  }

  @Test
  @Order(2)
  void metricsCountRequestsAndTimeToFirstToken() throws Exception {
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains(
            "lathe_requests_total{endpoint=\"completions\",model=\"answer-bot\",status=\"200\"}",
            "lathe_time_to_first_token_seconds_bucket",
            "lathe_generated_tokens_total",
            "lathe_queue_depth",
            "lathe_request_duration_seconds_bucket");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void accessLogNamesRequestsButNeverThePrompt() {
    assertThat(server.output()).contains("POST /v1/chat/completions 200").doesNotContain("lathe?");
    assertThat(server.output()).doesNotContain(SignedModels.PROMPT);
  }

  @Test
  @Order(3)
  void adaptersAreAddedAndRemovedWithoutRestart() throws Exception {
    Path added = work.resolve("models/adapters/second-bot");
    copy(work.resolve("models/model"), added);
    HttpResponse<String> answer = complete("second-bot");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(JSON.readTree(answer.body()).at("/choices/0/text").asText())
        .isEqualTo(seen.at("/completion_adapter/text").asText());
    assertThat(get("/v1/models").body()).contains("second-bot");

    delete(added);
    assertThat(get("/v1/models").body()).doesNotContain("second-bot");
    assertThat(complete("second-bot").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void evaluateScoresTheAdapterAgainstItsBaseOnTheSameItemsAsAPairedReport() throws Exception {
    String adapted = seen.at("/completion_adapter/text").asText();
    Path dataset = work.resolve("eval.jsonl");
    Files.writeString(
        dataset,
        JSON.createObjectNode().put("prompt", SignedModels.PROMPT).put("completion", adapted)
            + "\n"
            + JSON.createObjectNode().put("prompt", SignedModels.PROMPT).put("completion", "wrong")
            + "\n");
    String endpoint = "http://127.0.0.1:" + port + "/v1";
    RuntimeProcess evaluate =
        RuntimeProcess.start(
            work.resolve("logs"),
            Map.of(),
            "evaluate",
            "--candidate-endpoint",
            endpoint,
            "--stable-endpoint",
            endpoint,
            "--model",
            SignedModels.BASE_NAME,
            "--candidate-model",
            SignedModels.ADAPTER_NAME,
            "--dataset",
            dataset.toString(),
            "--candidate-pods",
            "127.0.0.1:" + port,
            "--max-tokens",
            Integer.toString(MAX_TOKENS));
    assertThat(evaluate.waitFor(Duration.ofMinutes(1))).as(evaluate.output()).isZero();
    String out = evaluate.output();
    GateReport report =
        JSON.readValue(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1), GateReport.class);
    assertThat(report.items()).isEqualTo(2);
    assertThat(report.accuracy().candidateShare()).isEqualTo(0.5);
    assertThat(report.exactMatch().candidateShare()).isEqualTo(0.5);
    assertThat(report.errors()).isEqualTo(new GateReport.Paired(0, 0, 0, 2));
    assertThat(report.candidate().latencyP95Ms())
        .isGreaterThanOrEqualTo(report.candidate().latencyP50Ms())
        .isPositive();
    assertThat(report.candidate().ttftP95Ms()).isPositive();
    // One server answers both versions here, so its window holds both versions' 4 requests.
    assertThat(report.candidateLive().requests()).isEqualTo(4);
    assertThat(report.datasetDigest()).startsWith("sha256:");
  }

  @Test
  @Order(4)
  void shutdownLetsARunningStreamFinishThenExits() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String body =
        "{\"model\":\"tiny-base\",\"prompt\":\"Question:\",\"max_tokens\":200,"
            + "\"ignore_eos\":true,\"stream\":true}";
    var pending =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> response = pending.get();
    var lines = response.body().iterator();
    assertThat(lines.next()).startsWith("data: ");
    server.terminate();
    StringBuilder rest = new StringBuilder();
    lines.forEachRemaining(line -> rest.append(line).append('\n'));
    assertThat(rest.toString())
        .contains("\"finish_reason\":\"length\"")
        .endsWith("data: [DONE]\n\n");
    // 143: the JVM's exit on SIGTERM once its shutdown hook (the drain) has run; not 137 (killed).
    assertThat(server.waitFor(Duration.ofSeconds(30))).isEqualTo(143);
    assertThat(server.output()).contains("draining");
  }

  private static HttpResponse<String> complete(String model) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("model", model)
            .put("prompt", SignedModels.PROMPT)
            .put("max_tokens", MAX_TOKENS)
            .put("temperature", 0)
            .toString();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  static void delete(Path path) throws IOException {
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  static List<String> lines(String text) {
    return text.lines().toList();
  }
}
