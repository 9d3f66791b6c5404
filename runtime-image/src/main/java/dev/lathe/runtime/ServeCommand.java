package dev.lathe.runtime;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.RuntimeEnvironment;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.runtime.model.AdapterListSync;
import dev.lathe.runtime.model.ServedAdapter;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.server.InferenceServer;
import dev.lathe.runtime.server.ServerSettings;
import dev.lathe.runtime.verify.AdapterCompatibility;
import dev.lathe.runtime.verify.FetchAndVerify;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serve}: verifies the local models again and loads the base, hashing its weights on the
 * bytes it reads into memory (what is loaded is what was hashed, in one read), binds the port, and
 * serves until SIGTERM, which drains running requests before exiting.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve the verified models through an OpenAI-compatible API.")
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--models-dir",
      defaultValue = "${env:" + RuntimeEnvironment.MODELS_DIR + ":-/models}",
      description = "model/ (the ModelVersion), base/ (its base, for an adapter), adapters/.")
  Path modelsDir;

  @Option(names = "--model-name", defaultValue = "${env:" + RuntimeEnvironment.MODEL_NAME + "}")
  String modelName;

  @Option(
      names = "--base-model-name",
      defaultValue = "${env:" + RuntimeEnvironment.BASE_MODEL_NAME + "}")
  String baseModelName;

  @Option(names = "--host", defaultValue = "${env:" + RuntimeEnvironment.HOST + ":-0.0.0.0}")
  String host;

  @Option(names = "--port", defaultValue = "${env:" + RuntimeEnvironment.PORT + ":-8000}")
  int port;

  @Option(names = "--max-batch", defaultValue = "${env:" + RuntimeEnvironment.MAX_BATCH + ":-8}")
  int maxBatch;

  @Option(names = "--max-queue", defaultValue = "${env:" + RuntimeEnvironment.MAX_QUEUE + ":-64}")
  int maxQueue;

  @Option(
      names = "--drain-seconds",
      defaultValue = "${env:" + RuntimeEnvironment.DRAIN_SECONDS + ":-30}")
  int drainSeconds;

  @Option(
      names = "--adapter-scan-seconds",
      defaultValue = "${env:" + RuntimeEnvironment.ADAPTER_SCAN_SECONDS + ":-5}")
  int adapterScanSeconds;

  @Option(
      names = "--adapter-list",
      defaultValue = "${env:" + RuntimeEnvironment.ADAPTER_LIST + "}",
      description =
          "A desired-adapter list (JSON, from a mounted ConfigMap): its adapters are fetched,"
              + " verified against their listed digests and served; unlisted ones are unloaded."
              + " Read again every --adapter-scan-seconds (env "
              + RuntimeEnvironment.ADAPTER_LIST
              + ").")
  Path adapterList;

  @Option(
      names = "--adapter-status-port",
      defaultValue = "${env:" + RuntimeEnvironment.ADAPTER_STATUS_PORT + ":-8001}",
      description =
          "With --adapter-list: the port of GET /adapters and /metrics of the list's adapters"
              + " (env "
              + RuntimeEnvironment.ADAPTER_STATUS_PORT
              + ").")
  int adapterStatusPort;

  @Mixin StoreOptions store;

  @Mixin TrustOptions trust;

  private static int refuse(VerificationException e) {
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
  }

  @Override
  public Integer call() throws InterruptedException {
    LocalModelVerifier verifier;
    VerifiedModel model;
    VerifiedModel base;
    try {
      verifier = trust.verifier();
      // The base's weights are hashed as they load (below), in one read, not before it.
      Path modelDir = modelsDir.resolve(FetchAndVerify.MODEL);
      model = verifier.verifyAsServed(modelDir);
      base = model;
      if (model.isAdapter()) {
        base = verifier.verifyAllButWeights(modelsDir.resolve(FetchAndVerify.BASE));
        AdapterCompatibility.requireTrainedOn(model, base, modelsDir.resolve("model").toString());
      }
    } catch (VerificationException e) {
      return refuse(e);
    } catch (ArtifactException | IllegalArgumentException e) {
      System.err.println("serve failed: " + e.getMessage());
      TerminationLog.write(e.getMessage());
      return ExitCodes.FAILED;
    }

    Path adapters = modelsDir.resolve(FetchAndVerify.ADAPTERS);
    String servedBaseName =
        model.isAdapter()
            ? Optional.ofNullable(baseModelName).orElse(base.modelName())
            : Optional.ofNullable(modelName).orElse(model.modelName());
    ServedBase loadedBase;
    try {
      // Before listening, as the hashing was before: a weight file that differs from its signed
      // digest is a verification failure, and nothing is served.
      loadedBase = ServedBase.load(servedBaseName, base);
    } catch (VerificationException e) {
      return refuse(e);
    } catch (RuntimeException e) {
      System.err.println("loading failed: " + e.getMessage());
      TerminationLog.write("loading failed: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    AdapterListSync listSync = null;
    if (adapterList != null) {
      try {
        Files.createDirectories(adapters);
      } catch (IOException e) {
        System.err.println("serve failed: cannot create " + adapters + ": " + e.getMessage());
        TerminationLog.write("cannot create " + adapters + ": " + e.getMessage());
        return ExitCodes.FAILED;
      }
      listSync = adapterListSync(verifier, base, servedBaseName, adapters);
    }
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
    if (listSync != null) {
      // Before the base loads: the server reports ready only with every listed adapter that
      // verifies in place, so a restarted or newly scaled pod starts with the full list.
      try {
        startAdapterList(listSync, server);
      } catch (RuntimeException e) {
        String message = "the adapter list cannot be served: " + e.getMessage();
        System.err.println("serve failed: " + message);
        TerminationLog.write(message);
        server.close();
        return ExitCodes.FAILED;
      }
    }
    try {
      server.load(
          () -> {
            ServedBase loaded = loadedBase;
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

  private final AdapterListMetrics metrics = new AdapterListMetrics();

  private AdapterListSync adapterListSync(
      LocalModelVerifier verifier, VerifiedModel base, String baseName, Path adapters) {
    return new AdapterListSync(
        adapterList,
        adapters,
        modelsDir.resolve(".adapter-staging"),
        store.locations(),
        verifier,
        base,
        baseName,
        System.out,
        Clock.systemUTC(),
        metrics);
  }

  /**
   * Syncs once now, serves the status, and syncs again every --adapter-scan-seconds; the server's
   * own scan of the adapters directory then loads and unloads what changed.
   */
  private void startAdapterList(AdapterListSync sync, InferenceServer server) {
    sync.onSplits(server.adapters()::setSplits);
    sync.sync();
    AdapterStatusEndpoint endpoint =
        AdapterStatusEndpoint.start(host, adapterStatusPort, sync, server.adapters(), metrics);
    System.out.println(
        "adapter list "
            + sync.listFile()
            + ": status on "
            + host
            + ":"
            + endpoint.port()
            + "/adapters, read every "
            + adapterScanSeconds
            + " s");
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lathe-adapter-list");
              t.setDaemon(true);
              return t;
            });
    long seconds = Math.max(1, adapterScanSeconds);
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            sync.sync();
          } catch (RuntimeException e) {
            // One bad round (a full disk, say) must not end the schedule.
            System.err.println("adapter list sync failed, will retry: " + e);
          }
        },
        seconds,
        seconds,
        TimeUnit.SECONDS);
  }
}
