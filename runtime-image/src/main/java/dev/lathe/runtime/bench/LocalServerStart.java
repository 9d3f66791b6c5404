package dev.lathe.runtime.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Starting a server the benchmark runs as its own process on loopback: its port, its readiness. */
final class LocalServerStart {

  private LocalServerStart() {}

  /** A port free now, for the server to bind. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits until {@code uri} answers 200 (a loading server answers 503 or does not listen yet);
   * fails with {@code output} (the server's log, or where it is) when {@code process} exits first
   * or {@code timeout} passes.
   */
  static void awaitOk(Process process, URI uri, Duration timeout, Supplier<String> output)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            process.info().command().orElse("the server")
                + " exited with "
                + process.exitValue()
                + "; its output: "
                + output.get());
      }
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // retried until the deadline
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(uri + " not 200 within " + timeout + "; " + output.get());
  }
}
