package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The real server in this JVM, on the tiny base model over loopback, with its log captured: what
 * hostile and careless clients are tried against.
 */
public final class LocalServer implements AutoCloseable {

  public static final String MODEL = "tiny";
  private static final ObjectMapper JSON = new ObjectMapper();

  final InferenceServer server;
  public final int port;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private LocalServer(int maxBatch, int queue, boolean load) {
    server =
        new InferenceServer(
            new ServerSettings(
                "127.0.0.1",
                0,
                maxBatch,
                queue,
                Duration.ofSeconds(5),
                null,
                Duration.ofMinutes(1)),
            null,
            new PrintStream(log, true, StandardCharsets.UTF_8));
    port = server.listen();
    if (load) {
      Path dir = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
      // The server's handling of requests is under test, not verification (the ITs verify).
      server.load(
          () ->
              ServedBase.load(
                  MODEL,
                  new VerifiedModel(dir, "sha256:unverified", "none", MODEL, Optional.empty())));
    }
  }

  /** Serving the tiny base, decoding {@code maxBatch} sequences with {@code queue} waiting. */
  public static LocalServer start(int maxBatch, int queue) {
    return new LocalServer(maxBatch, queue, true);
  }

  /** Listening, but its model never loads: every generation request gets 503. */
  public static LocalServer loading() {
    return new LocalServer(1, 1, false);
  }

  String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return send("POST", path, "application/json", body);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  /** A short greedy completion that a healthy server answers with 200. */
  HttpResponse<String> validCompletion() throws IOException, InterruptedException {
    return post(
        "/v1/completions",
        "{\"model\":\""
            + MODEL
            + "\",\"prompt\":\"Question:\",\"max_tokens\":4,\"temperature\":0}");
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
