package dev.lathe.runtime;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.runtime.model.ServedAdapter;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.server.InferenceServer;
import dev.lathe.runtime.server.ServerSettings;
import dev.lathe.runtime.verify.AdapterCompatibility;
import dev.lathe.runtime.verify.FetchAndVerify;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.VerifiedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serve}: verifies the local models again (what is loaded is what was hashed), binds the
 * port, loads, and serves until SIGTERM, which drains running requests before exiting.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve the verified models through an OpenAI-compatible API.")
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--models-dir",
      defaultValue = "${env:LATHE_MODELS_DIR:-/models}",
      description = "model/ (the ModelVersion), base/ (its base, for an adapter), adapters/.")
  Path modelsDir;

  @Option(names = "--model-name", defaultValue = "${env:LATHE_MODEL_NAME}")
  String modelName;

  @Option(names = "--base-model-name", defaultValue = "${env:LATHE_BASE_MODEL_NAME}")
  String baseModelName;

  @Option(names = "--host", defaultValue = "${env:LATHE_HOST:-0.0.0.0}")
  String host;

  @Option(names = "--port", defaultValue = "${env:LATHE_PORT:-8000}")
  int port;

  @Option(names = "--max-batch", defaultValue = "${env:LATHE_MAX_BATCH:-8}")
  int maxBatch;

  @Option(names = "--max-queue", defaultValue = "${env:LATHE_MAX_QUEUE:-64}")
  int maxQueue;

  @Option(names = "--drain-seconds", defaultValue = "${env:LATHE_DRAIN_SECONDS:-30}")
  int drainSeconds;

  @Option(names = "--adapter-scan-seconds", defaultValue = "${env:LATHE_ADAPTER_SCAN_SECONDS:-5}")
  int adapterScanSeconds;

  @Mixin TrustOptions trust;

  @Override
  public Integer call() throws InterruptedException {
    LocalModelVerifier verifier;
    VerifiedModel model;
    VerifiedModel base;
    try {
      verifier = trust.verifier();
      model = verifier.verify(modelsDir.resolve(FetchAndVerify.MODEL));
      base = model;
      if (model.isAdapter()) {
        base = verifier.verify(modelsDir.resolve(FetchAndVerify.BASE));
        AdapterCompatibility.requireTrainedOn(model, base, modelsDir.resolve("model").toString());
      }
    } catch (VerificationException e) {
      String message =
          "verification failed ("
              + e.failure()
              + ", "
              + e.subject()
              + "): "
              + e.getMessage()
              + "; nothing is served";
      System.err.println(message);
      TerminationLog.write(message);
      return ExitCodes.VERIFICATION_FAILED;
    } catch (ArtifactException | IllegalArgumentException e) {
      System.err.println("serve failed: " + e.getMessage());
      TerminationLog.write(e.getMessage());
      return ExitCodes.FAILED;
    }

    Path adapters = modelsDir.resolve(FetchAndVerify.ADAPTERS);
    InferenceServer server =
        new InferenceServer(
            new ServerSettings(
                host,
                port,
                maxBatch,
                maxQueue,
                Duration.ofSeconds(drainSeconds),
                Files.isDirectory(adapters) ? adapters : null,
                Duration.ofSeconds(adapterScanSeconds)),
            verifier,
            System.out);
    int bound = server.listen();
    System.out.println("listening on " + host + ":" + bound);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("shutting down: draining running requests");
                  server.shutdown();
                  stopped.countDown();
                },
                "lathe-shutdown"));
    VerifiedModel verifiedBase = base;
    String servedBaseName =
        model.isAdapter()
            ? Optional.ofNullable(baseModelName).orElse(base.modelName())
            : Optional.ofNullable(modelName).orElse(model.modelName());
    try {
      server.load(
          () -> {
            ServedBase loaded = ServedBase.load(servedBaseName, verifiedBase);
            if (model.isAdapter()) {
              String name = Optional.ofNullable(modelName).orElse(model.modelName());
              server
                  .adapters()
                  .put(
                      new ServedAdapter(
                          name,
                          model,
                          LoraAdapter.load(model.directory(), loaded.config(), loaded.manager()),
                          Instant.now()));
            }
            return loaded;
          });
    } catch (RuntimeException e) {
      System.err.println("loading failed: " + e.getMessage());
      TerminationLog.write("loading failed: " + e.getMessage());
      System.exit(ExitCodes.FAILED);
    }
    stopped.await();
    return ExitCodes.OK;
  }
}
