package dev.lathe.runtime;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.function.Supplier;

/** The runtime program as its own process, as the container runs it. */
final class RuntimeProcess implements AutoCloseable {

  private final Process process;
  private final Path output;

  private RuntimeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static RuntimeProcess start(Path logDir, Map<String, String> env, String... args)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java,
            "-Dai.djl.offline=true",
            "-cp",
            System.getProperty("java.class.path"),
            RuntimeMain.class.getName()));
    command.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path output = Files.createTempFile(logDir, args[0] + "-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().putAll(env);
    return new RuntimeProcess(builder.start(), output);
  }

  /** Runs to the end and returns the exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + output());
    }
    return process.exitValue();
  }

  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return e.toString();
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  void terminate() {
    process.destroy();
  }

  /** Waits until /readyz says 200. */
  void awaitReady(int port, Duration timeout) throws InterruptedException {
    awaitOk(
        process,
        URI.create("http://127.0.0.1:" + port + "/readyz"),
        timeout,
        () -> "the server: " + output());
  }

  /**
   * Waits until {@code uri} answers 200, polling every 100 ms; fails quoting {@code output} when
   * the process exits first or the time runs out.
   */
  static void awaitOk(Process process, URI uri, Duration timeout, Supplier<String> output)
      throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("exited: " + output.get());
      }
      try {
        HttpResponse<String> response =
            client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(uri + " not 200 in " + timeout + ": " + output.get());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
