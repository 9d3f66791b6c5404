package dev.lathe.runtime.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * llama.cpp's own native server ({@code llama-server}, built from the llama-cpp-python sdist with
 * the tools on) serving a GGUF file on loopback: its OpenAI-compatible /v1/completions streams over
 * SSE like Lathe's, and it batches concurrent requests continuously across {@code slots} slots
 * (llama_cpp.server, the Python one, serves one request at a time).
 */
final class LlamaCppServer implements AutoCloseable {

  private static final Duration START = Duration.ofMinutes(2);

  private final Process process;
  private final String baseUrl;
  private final Path log;

  private LlamaCppServer(Process process, String baseUrl, Path log) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.log = log;
  }

  /**
   * Starts {@code binary} on {@code gguf} with {@code threads} threads for decoding and prefill,
   * {@code slots} parallel slots of {@code contextPerSlot} tokens each, and waits until /health
   * answers 200.
   */
  static LlamaCppServer start(Path binary, Path gguf, int threads, int slots, int contextPerSlot)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException("no llama-server executable at " + binary);
    }
    int port = LocalServerStart.freePort();
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            binary.toString(),
            "--model",
            gguf.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--threads",
            Integer.toString(threads),
            "--threads-batch",
            Integer.toString(threads),
            "--parallel",
            Integer.toString(slots),
            "--ctx-size",
            Integer.toString(slots * contextPerSlot),
            "--cont-batching"));
    Path log = Files.createTempFile("llama-server-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LlamaCppServer server = new LlamaCppServer(process, "http://127.0.0.1:" + port, log);
    try {
      server.awaitHealthy();
    } catch (RuntimeException | InterruptedException e) {
      // The log stays: the message names it.
      server.stop();
      throw e;
    }
    return server;
  }

  private void awaitHealthy() throws InterruptedException {
    LocalServerStart.awaitOk(process, URI.create(baseUrl + "/health"), START, log::toString);
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The server's resident memory in kilobytes (the GGUF is mapped, so its pages count in it). */
  long residentKilobytes() {
    return ResidentMemory.of(process.pid()).rssKb();
  }

  /** Stops the server and deletes its log. */
  @Override
  public void close() throws InterruptedException, IOException {
    stop();
    Files.deleteIfExists(log);
  }

  private void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
