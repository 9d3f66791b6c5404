package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The server under clients that send too much, go away, or ask for what can never run. */
class HostileClientsTest {

  /**
   * Generous on purpose, for a shared and loaded machine: a functional check that health is not
   * held up by the bodies (with prompts tokenised on the event loop it waited 37 s here); the
   * median and slowest probe are printed, not asserted, as speed belongs in the benchmark.
   */
  private static final Duration NOT_BLOCKED = Duration.ofSeconds(3);

  private static final String ENDLESS =
      "{\"model\":\"tiny\",\"prompt\":\"Question:\",\"max_tokens\":250,\"ignore_eos\":true,"
          + "\"stream\":true}";

  @Test
  void healthAndReadinessAnswerAtOnceWhileMaximumSizeBodiesAreInFlight() throws Exception {
    try (LocalServer server = LocalServer.start(8, 64)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<String> bodies = List.of(maximumCompletion(), maximumChat(), maximumCompletion());
      // Connected and warm before the bodies go out: what is timed is the server, not a first call.
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
      List<CompletableFuture<HttpResponse<String>>> large = new ArrayList<>();
      for (String body : bodies) {
        large.add(
            client.sendAsync(
                HttpRequest.newBuilder(
                        server.uri(
                            body.contains("messages") ? "/v1/chat/completions" : "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      List<Long> took = new ArrayList<>();
      CompletableFuture<Void> all =
          CompletableFuture.allOf(large.toArray(CompletableFuture[]::new));
      // Probe until every large body was answered, and a few times more.
      for (int after = 0; after < 5; ) {
        if (all.isDone()) {
          after++;
        }
        for (String path : List.of("/healthz", "/readyz")) {
          long start = System.nanoTime();
          HttpResponse<String> health = server.get(path);
          long nanos = System.nanoTime() - start;
          assertThat(health.statusCode()).isEqualTo(200);
          assertThat(Duration.ofNanos(nanos)).as(path).isLessThan(NOT_BLOCKED);
          took.add(nanos);
        }
        Thread.sleep(10);
      }
      took.sort(null);
      System.out.printf(
          "health during maximum-size bodies: %d probes, median %.1f ms, slowest %.1f ms%n",
          took.size(), took.get(took.size() / 2) / 1e6, took.get(took.size() - 1) / 1e6);
      for (CompletableFuture<HttpResponse<String>> response : large) {
        assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(400);
        assertThat(response.get().body()).contains("context_length_exceeded");
      }
      assertThat(server.validCompletion().statusCode()).isEqualTo(200);
    }
  }

  @Test
  void randomPathsAreCountedUnderOneLabelSoTheMetricsStayBounded() throws Exception {
    try (LocalServer server = LocalServer.start(2, 4)) {
      for (int i = 0; i < 30; i++) {
        assertThat(server.get("/random-" + i + "/x" + i).statusCode()).isEqualTo(404);
      }
      String metrics = server.get("/metrics").body();
      assertThat(metrics).doesNotContain("random-");
      assertThat(labels(metrics, "endpoint"))
          .isSubsetOf(
              "healthz", "readyz", "metrics", "models", "completions", "chat_completions", "other")
          .contains("other");
      assertThat(metrics)
          .contains("lathe_requests_total{endpoint=\"other\",model=\"-\",status=\"404\"} 30.0");
    }
  }

  @Test
  void refusedAndServedCompletionsAreCountedUnderTheSameEndpointName() throws Exception {
    try (LocalServer server = LocalServer.start(2, 4)) {
      assertThat(server.validCompletion().statusCode()).isEqualTo(200);
      assertThat(
              server
                  .post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"n\":0}")
                  .statusCode())
          .isEqualTo(400);
      String metrics = server.get("/metrics").body();
      assertThat(metrics)
          .contains(
              "lathe_requests_total{endpoint=\"completions\",model=\"tiny\",status=\"200\"} 1.0",
              "lathe_requests_total{endpoint=\"completions\",model=\"-\",status=\"400\"} 1.0")
          .doesNotContain("endpoint=\"/v1/completions\"");
    }
  }

  @Test
  void aFullQueueAnswers429WithRetryAfterAndServesAgainOnceItEmpties() throws Exception {
    try (LocalServer server = LocalServer.start(1, 1)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      // One decodes, one waits: the other four find the queue full.
      for (int i = 0; i < 6; i++) {
        burst.add(
            client.sendAsync(
                HttpRequest.newBuilder(server.uri("/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ENDLESS))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      List<HttpResponse<String>> refused = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> response : burst) {
        if (response.get().statusCode() == 429) {
          refused.add(response.get());
        } else {
          assertThat(response.get().statusCode()).isEqualTo(200);
        }
      }
      assertThat(refused).isNotEmpty();
      for (HttpResponse<String> response : refused) {
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(LocalServer.json(response).at("/error/code").asText())
            .isEqualTo("rate_limit_exceeded");
      }
      assertThat(server.validCompletion().statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aServerStillLoadingAnswers503WithRetryAfter() throws Exception {
    try (LocalServer server = LocalServer.loading()) {
      HttpResponse<String> response = server.validCompletion();
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(LocalServer.json(response).at("/error/code").asText())
          .isEqualTo("service_unavailable");
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(server.get("/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void aClientThatLeavesMidStreamIsLoggedAndCountedAsClientClosedNever200() throws Exception {
    try (LocalServer server = LocalServer.start(2, 4)) {
      try (Socket socket = new Socket("127.0.0.1", server.port)) {
        byte[] body = ENDLESS.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        InputStream in = socket.getInputStream();
        String seen = readUntil(in, "data: ");
        assertThat(seen).startsWith("HTTP/1.1 200");
      }
      String line = awaitLogLine(server, "POST /v1/completions ");
      assertThat(line).contains(" 499 ").contains("client_closed").doesNotContain(" 200 ");
      assertThat(server.get("/metrics").body())
          .contains(
              "lathe_requests_total{endpoint=\"completions\",model=\"tiny\",status=\"499\"} 1.0")
          .doesNotContain("endpoint=\"completions\",model=\"tiny\",status=\"200\"");
      assertThat(server.validCompletion().statusCode()).isEqualTo(200);
    }
  }

  private static String maximumCompletion() {
    String prefix = "{\"model\":\"tiny\",\"prompt\":\"";
    return prefix + text(InferenceServer.BODY_LIMIT - prefix.length() - 16) + "\"}";
  }

  private static String maximumChat() {
    String prefix = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    return prefix + text(InferenceServer.BODY_LIMIT - prefix.length() - 16) + "\"}]}";
  }

  /** Words of varied length, as a pasted document would be, not one repeated character. */
  private static String text(long length) {
    String[] words = {"the ", "lathe ", "turns ", "Question: ", "what ", "is ", "six ", "plus "};
    StringBuilder text = new StringBuilder((int) length);
    for (int i = 0; text.length() < length - 16; i = (i * 7 + 3) % words.length) {
      text.append(words[i]);
    }
    return text.toString();
  }

  private static Set<String> labels(String metrics, String label) {
    Matcher m =
        Pattern.compile("lathe_requests_total\\{[^}]*" + label + "=\"([^\"]*)\"").matcher(metrics);
    return m.results().map(r -> r.group(1)).collect(Collectors.toSet());
  }

  private static String readUntil(InputStream in, String marker) throws Exception {
    StringBuilder seen = new StringBuilder();
    int b;
    while (!seen.toString().contains(marker) && (b = in.read()) >= 0) {
      seen.append((char) b);
    }
    return seen.toString();
  }

  private static String awaitLogLine(LocalServer server, String contains) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : server.log().lines().toList()) {
        if (line.contains(contains)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no log line with " + contains + ": " + server.log());
  }
}
