package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.runtime.verify.ArtifactDownloader;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.TrustedKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server follows a desired-adapter list while it runs, over loopback: the tiny base and an
 * adapter trained on it, signed; a tampered copy of the adapter listed beside it is refused and
 * never served; removing and re-adding the adapter in the list unloads and reloads it in the same
 * process.
 */
class AdapterListIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path work;
  static SignedModels models;
  static RuntimeProcess server;
  static int port;
  static int statusPort;
  static Path listFile;
  static String adapterDigest;
  static String tamperedUri;

  @BeforeAll
  static void fetchTheBaseAndServeWithAList() throws Exception {
    models = SignedModels.create(work);
    Path modelsDir = work.resolve("models");
    RuntimeProcess fetch =
        RuntimeProcess.start(
            work.resolve("logs"),
            Map.of(),
            "fetch-and-verify",
            "--model-uri",
            models.baseUri,
            "--models-dir",
            modelsDir.toString(),
            "--trusted-keys-dir",
            models.trustedKeys.toString());
    assertThat(fetch.waitFor(Duration.ofMinutes(2))).as(fetch.output()).isZero();

    adapterDigest = digestOf(models.adapterUri);
    Path tampered = work.resolve("store/models/tampered-bot");
    OpenAiClientIT.copy(work.resolve("store/models/answer-bot"), tampered);
    TamperedBytes.flipAByte(tampered.resolve("adapter_model.safetensors"));
    tamperedUri = tampered.toUri().toString();

    listFile = work.resolve("config/adapters.json");
    Files.createDirectories(listFile.getParent());
    writeList(true);
    port = RuntimeProcess.freePort();
    statusPort = RuntimeProcess.freePort();
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
            "--adapter-list",
            listFile.toString(),
            "--adapter-status-port",
            Integer.toString(statusPort),
            "--adapter-scan-seconds",
            "1");
    server.awaitReady(port, Duration.ofMinutes(2));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aListedAdapterIsServedFromTheFirstReadyAndATamperedOneIsRefusedAndNeverServed()
      throws Exception {
    // Ready means the list was applied: the adapter is there from the first /readyz 200 on.
    assertThat(modelIds())
        .contains(SignedModels.BASE_NAME, "answer-bot")
        .doesNotContain("tampered-bot");
    assertThat(complete("answer-bot").statusCode()).isEqualTo(200);
    HttpResponse<String> tampered = complete("tampered-bot");
    assertThat(tampered.statusCode()).isEqualTo(404);
    assertThat(tampered.body()).contains("model_not_found");

    JsonNode status = status();
    assertThat(status.path("listError").isNull()).isTrue();
    JsonNode served = adapter(status, "answer-bot");
    assertThat(served.path("state").asText()).isEqualTo("INSTALLED");
    assertThat(served.path("served").asBoolean()).isTrue();
    assertThat(served.path("installedDigest").asText()).isEqualTo(adapterDigest);
    JsonNode refused = adapter(status, "tampered-bot");
    assertThat(refused.path("state").asText()).isEqualTo("REFUSED");
    assertThat(refused.path("failure").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(refused.path("served").asBoolean()).isFalse();
    assertThat(Files.exists(work.resolve("models/adapters/tampered-bot"))).isFalse();
    assertThat(get("http://127.0.0.1:" + statusPort + "/metrics").body())
        .contains(
            "lathe_adapter_refusals_total{adapter=\"tampered-bot\",failure=\"DIGEST_MISMATCH\"} 1.0")
        .contains("lathe_adapter_served{adapter=\"answer-bot\"} 1.0");
  }

  @Test
  void removingTheAdapterFromTheListUnloadsItAndAddingItBackServesItInTheSameProcess()
      throws Exception {
    long pid = server.pid();
    assertThat(modelIds()).contains("answer-bot");
    writeList(false);
    awaitModels(ids -> !ids.contains("answer-bot"));
    HttpResponse<String> gone = complete("answer-bot");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("model_not_found");

    writeList(true);
    awaitModels(ids -> ids.contains("answer-bot"));
    assertThat(complete("answer-bot").statusCode()).isEqualTo(200);
    assertThat(server.alive()).isTrue();
    assertThat(server.pid()).isEqualTo(pid);
  }

  @Test
  void
      aCanaryVersionOfTheAdapterAnswersExactlyItsWeightPinningBypassesTheSplitAndDroppingItReturnsAllToStable()
          throws Exception {
    String[] canary = models.publishAdapterAgain("answer-bot-v2");
    String canaryDigest = canary[1];
    assertThat(canaryDigest).isNotEqualTo(adapterDigest);
    long pid = server.pid();
    writeListWithCanary(canary[0], canaryDigest, 25);
    // Pinned requests do not advance the split's counter: poll with one until the canary loaded.
    awaitStatus("answer-bot@" + canaryDigest, 200);

    java.util.Map<String, Integer> answeredBy = new java.util.HashMap<>();
    int requests = 200;
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = complete("answer-bot");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      answeredBy.merge(
          response.headers().firstValue("Lathe-Model-Digest").orElseThrow(), 1, Integer::sum);
    }
    // The split is counter-based: of 200 requests exactly 25 % went to the canary (no tolerance
    // needed), and each response names the version that answered.
    assertThat(answeredBy).containsOnlyKeys(adapterDigest, canaryDigest);
    assertThat(answeredBy.get(canaryDigest)).isEqualTo(50);
    assertThat(answeredBy.get(adapterDigest)).isEqualTo(150);

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> pinned = complete("answer-bot@" + adapterDigest);
      assertThat(pinned.headers().firstValue("Lathe-Model-Digest")).contains(adapterDigest);
      assertThat(JSON.readTree(pinned.body()).path("system_fingerprint").asText())
          .isEqualTo(adapterDigest);
      assertThat(complete("answer-bot@" + canaryDigest).headers().firstValue("Lathe-Model-Digest"))
          .contains(canaryDigest);
    }
    assertThat(complete("answer-bot@canary").statusCode()).isEqualTo(404);
    assertThat(complete("answer-bot@sha256:" + "00".repeat(32)).statusCode()).isEqualTo(404);
    assertThat(modelIds()).doesNotContain("answer-bot@canary");

    writeList(true);
    awaitStatus("answer-bot@" + canaryDigest, 404);
    for (int i = 0; i < 20; i++) {
      assertThat(complete("answer-bot").headers().firstValue("Lathe-Model-Digest"))
          .contains(adapterDigest);
    }
    assertThat(server.pid()).isEqualTo(pid);
  }

  private static void writeListWithCanary(String uri, String digest, int weight)
      throws IOException {
    String stable = entry("answer-bot", models.adapterUri);
    String entry =
        stable.substring(0, stable.length() - 1)
            + ",\"canary\":{\"uri\":\""
            + uri
            + "\",\"manifestDigest\":\""
            + digest
            + "\",\"weight\":"
            + weight
            + "}}";
    Path staged = listFile.resolveSibling(".adapters.json.tmp");
    Files.writeString(staged, "{\"adapters\":[" + entry + "]}");
    Files.move(staged, listFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Polls a completion for {@code model} for up to 30 s until it answers {@code status}. */
  private static void awaitStatus(String model, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int seen = complete(model).statusCode();
    while (seen != status) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            model + " still answers " + seen + "; server output:\n" + server.output());
      }
      Thread.sleep(250);
      seen = complete(model).statusCode();
    }
  }

  private static void writeList(boolean withAdapter) throws IOException {
    List<String> entries = new ArrayList<>();
    if (withAdapter) {
      entries.add(entry("answer-bot", models.adapterUri));
    }
    entries.add(entry("tampered-bot", tamperedUri));
    Path staged = listFile.resolveSibling(".adapters.json.tmp");
    Files.writeString(staged, "{\"adapters\":[" + String.join(",", entries) + "]}");
    Files.move(staged, listFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String entry(String name, String uri) {
    return "{\"name\":\""
        + name
        + "\",\"uri\":\""
        + uri
        + "\",\"manifestDigest\":\""
        + adapterDigest
        + "\"}";
  }

  /** The adapter's verified digest, from a verified download of it. */
  private static String digestOf(String uri) {
    Path copy = work.resolve("digest-check");
    ArtifactDownloader.download(
        new dev.lathe.artifact.storage.FilesystemStore(Path.of(URI.create(uri))), "", copy);
    return new LocalModelVerifier(TrustedKeys.fromDirectory(models.trustedKeys), null)
        .verify(copy)
        .manifestDigest();
  }

  /** Polls /v1/models for up to 30 s (list read every second, then the directory scan). */
  private static void awaitModels(java.util.function.Predicate<List<String>> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> ids = modelIds();
    while (!condition.test(ids)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("models still " + ids + "; server output:\n" + server.output());
      }
      Thread.sleep(250);
      ids = modelIds();
    }
  }

  private static List<String> modelIds() throws Exception {
    JsonNode body = JSON.readTree(get("http://127.0.0.1:" + port + "/v1/models").body());
    List<String> ids = new ArrayList<>();
    body.path("data").forEach(m -> ids.add(m.path("id").asText()));
    return ids;
  }

  private static JsonNode status() throws Exception {
    return JSON.readTree(get("http://127.0.0.1:" + statusPort + "/adapters").body());
  }

  private static JsonNode adapter(JsonNode status, String name) {
    for (JsonNode a : status.path("adapters")) {
      if (name.equals(a.path("name").asText())) {
        return a;
      }
    }
    throw new AssertionError("no adapter " + name + " in " + status);
  }

  private static HttpResponse<String> complete(String model) throws Exception {
    String body =
        "{\"model\":\"" + model + "\",\"prompt\":\"Question:\",\"max_tokens\":4,\"temperature\":0}";
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
