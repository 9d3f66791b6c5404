package dev.lathe.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Prometheus that e2e/prometheus/build.sh built ({@code
 * ${LATHE_CACHE:-~/.cache/lathe}/prometheus/<version>/prometheus}, the version pinned in the go.mod
 * beside it), run on a loopback port with a given configuration and its own storage directory.
 */
final class PrometheusServer implements AutoCloseable {

  private static final Pattern PINNED =
      Pattern.compile(
          "^\\s*(?:require\\s+)?github\\.com/prometheus/prometheus\\s+(v\\S+)", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  final String address;
  private final HttpClient client = HttpClient.newHttpClient();

  private PrometheusServer(Process process, Path log, String address) {
    this.process = process;
    this.log = log;
    this.address = address;
  }

  /** The binary the go.mod pins; fails saying how to build it. */
  static Path binary(Path goMod) throws IOException {
    Matcher pinned = PINNED.matcher(Files.readString(goMod));
    if (!pinned.find()) {
      throw new IllegalStateException(goMod + " does not pin github.com/prometheus/prometheus");
    }
    String cache = System.getenv("LATHE_CACHE");
    Path binary =
        (cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "lathe")
                : Path.of(cache))
            .resolve("prometheus")
            .resolve(pinned.group(1))
            .resolve("prometheus");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "Prometheus is not built: "
              + binary
              + " is missing. Run "
              + goMod.resolveSibling("build.sh")
              + " (mvn verify of runtime-image runs it too).");
    }
    return binary;
  }

  /** Starts it with {@code config} (YAML) and waits until /-/ready answers 200. */
  static PrometheusServer start(Path binary, Path work, String config, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path configFile = work.resolve("prometheus.yml");
    Files.writeString(configFile, config);
    Path log = work.resolve("prometheus.log");
    int port = RuntimeProcess.freePort();
    Process process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + work.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
    server.awaitReady(timeout);
    return server;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    RuntimeProcess.awaitOk(
        process, URI.create(address + "/-/ready"), timeout, () -> "Prometheus: " + log());
  }

  /** The value of a query whose answer is one sample, or null when it has none. */
  Double value(String query) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        address
                            + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode result = JSON.readTree(response.body()).path("data").path("result");
    return result.isArray() && result.size() == 1
        ? Double.parseDouble(result.get(0).path("value").get(1).asText())
        : null;
  }

  /** Waits until {@code query} answers {@code expected}, polling twice a second. */
  void await(String query, double expected, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Double last = null;
    while (System.nanoTime() < deadline) {
      last = value(query);
      if (last != null && last == expected) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        query + " is " + last + ", not " + expected + " after " + timeout + ": " + log());
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
