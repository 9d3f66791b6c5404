package dev.lathe.runtime.bench;

import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server under test as its own process, as a pod runs it: the model is published signed with a
 * fresh key into a work directory (the layout fetch-and-verify leaves in /models), and {@code
 * serve} runs through the runtime image's launcher on loopback, verifying and loading it as a pod
 * does. Its memory is then the server's alone, without the benchmark's clients.
 */
final class ServeProcess implements AutoCloseable {

  private static final Duration READY = Duration.ofMinutes(5);

  private final Process process;
  private final Path work;
  private final Path log;
  private final String baseUrl;
  private final long startNanos = System.nanoTime();
  private double startSeconds;

  private ServeProcess(Process process, Path work, Path log, String baseUrl) {
    this.process = process;
    this.work = work;
    this.log = log;
    this.baseUrl = baseUrl;
  }

  /**
   * Publishes {@code modelDir} as {@code name}, starts {@code launcher serve} on it with {@code
   * maxBatch} streams and a queue of {@code maxQueue}, and waits until /readyz answers 200 (the
   * model verified and loaded). {@code javaOptions} are appended to the launcher's own, as a
   * ModelDeployment's JAVA_TOOL_OPTIONS would be.
   */
  static ServeProcess start(
      Path launcher, Path modelDir, String name, int maxBatch, int maxQueue, String javaOptions)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(launcher)) {
      throw new IllegalArgumentException("no runtime launcher at " + launcher);
    }
    Path work = Files.createTempDirectory("lathe-bench-serve-");
    KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Path keys = Files.createDirectories(work.resolve("trusted-keys"));
    Files.writeString(keys.resolve("bench.pem"), SigningKeys.publicKeyPem(key.getPublic()));
    Path models = Files.createDirectories(work.resolve("models"));
    new ArtifactPublisher(new FilesystemStore(models))
        .publish(modelDir, name, "model", ModelHasher.files(), key, Optional.empty());
    int port = LocalServerStart.freePort();
    Path log = work.resolve("serve.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    launcher.toString(),
                    "serve",
                    "--models-dir",
                    models.toString(),
                    "--trusted-keys-dir",
                    keys.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--max-batch",
                    Integer.toString(maxBatch),
                    "--max-queue",
                    Integer.toString(maxQueue)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("JAVA_TOOL_OPTIONS", javaOptions);
    ServeProcess server = new ServeProcess(builder.start(), work, log, "http://127.0.0.1:" + port);
    try {
      server.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady() throws InterruptedException {
    LocalServerStart.awaitOk(process, URI.create(baseUrl + "/readyz"), READY, this::logText);
    startSeconds = (System.nanoTime() - startNanos) / 1e9;
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Seconds from the process's start to ready: JVM start, verification and the load. */
  double startSeconds() {
    return startSeconds;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The server process's resident memory now, and its peak since it started. */
  ResidentMemory memory() {
    return ResidentMemory.of(process.pid());
  }

  /**
   * CPU seconds the server process has used so far (all its threads: libtorch's, the JVM's GC and
   * compilers), which other work on the machine moves less than wall-clock figures; -1 if unknown.
   */
  double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
  }

  /** SIGTERM, as Kubernetes stops a pod; then the work directory (the copied model) is deleted. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> files = Files.walk(work)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + work, e);
    }
  }
}
