package dev.lathe.operator;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator as its own process ({@code LatheOperatorMain} on this test's class path), as it runs
 * in a pod: so a test can SIGKILL it in the middle of its work, with no shutdown hook, no lease
 * release and no last status write, and start another.
 */
final class OperatorProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts one and waits until it reports ready. */
  static OperatorProcess start(Path kubeconfig, Map<String, String> environment) {
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path log = Files.createTempFile("lathe-operator-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      System.getProperty("java.class.path"),
                      LatheOperatorMain.class.getName()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().put("LATHE_HTTP_ADDRESS", "127.0.0.1");
      builder.environment().put("LATHE_HTTP_PORT", String.valueOf(port));
      builder.environment().put("LATHE_LEADER_ELECTION", "false");
      OperatorProcess operator = new OperatorProcess(builder.start(), log);
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + port + "/readyz");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                if (!operator.process.isAlive()) {
                  throw new IllegalStateException(
                      "the operator exited: " + Files.readString(operator.log));
                }
                try {
                  return http.send(
                              HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                } catch (IOException e) {
                  return false;
                }
              });
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: the process ends at once, in whatever it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
