package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code train}, the training pod's main container: trains under the trainer contract and, when
 * LATHE_OUTPUT_STORAGE names the attempt's prefix, publishes progress while it trains and uploads
 * the finished artifact there.
 */
final class TrainMode {

  private TrainMode() {}

  static int run(Map<String, String> env, PrintStream err) {
    return run(env, err, StoreAddress::open);
  }

  /** {@code openStore}: how the output address becomes a store (tests watch what is written). */
  static int run(
      Map<String, String> env, PrintStream err, Function<StoreAddress, ArtifactStore> openStore) {
    TerminationLog terminationLog = TerminationLog.from(env, err);
    TrainerContract contract;
    try {
      contract = TrainerContract.fromEnvironment(env);
    } catch (TrainerContract.ContractException e) {
      return terminationLog.fail(e.getMessage());
    }
    if (contract.inputsFile().isPresent() && !Files.isRegularFile(contract.inputsFile().get())) {
      return terminationLog.fail(
          TrainerContract.INPUTS_FILE + ": no file at " + contract.inputsFile().get());
    }
    Optional<ArtifactStore> store;
    try {
      store = contract.outputStorage().map(openStore);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      return terminationLog.fail(TrainerContract.OUTPUT_STORAGE + ": " + e.getMessage());
    }
    Clock clock = Clock.systemUTC();
    Optional<ProgressPublisher> progress = Optional.empty();
    try {
      if (store.isPresent() && !alreadySigned(store.get(), err)) {
        progress =
            Optional.of(
                new ProgressPublisher(store.get(), contract.progressInterval(), clock, err));
      }
      try {
        Trainer.ProgressListener listener =
            progress.isPresent() ? progress.get() : (file, step, totalSteps) -> {};
        new Trainer(contract, err, clock, listener).run();
      } catch (TrainerContract.ContractException
          | JsonlDataset.DatasetException
          | IllegalArgumentException e) {
        return terminationLog.fail(e.getMessage());
      } catch (IOException | UncheckedIOException e) {
        return terminationLog.fail("I/O failure: " + e.getMessage());
      }
      if (store.isEmpty()) {
        return 0;
      }
      progress.ifPresent(p -> p.finish(contract.output().resolve(ProgressPublisher.KEY)));
      String uri = contract.outputStorage().get().uri();
      try {
        new OutputUploader(store.get(), err)
            .upload(contract.output(), contract.modelName(), contract.inputsFile());
      } catch (IOException | ArtifactException | UncheckedIOException e) {
        return terminationLog.fail("cannot upload the model to " + uri + ": " + e.getMessage());
      }
      return 0;
    } finally {
      progress.ifPresent(ProgressPublisher::close);
      store.ifPresent(StoreAddress::close);
    }
  }

  /**
   * Whether the prefix is signed already (a pod retried after the operator signed its output): then
   * nothing is written there, progress included, since published paths are immutable; the upload at
   * the end only checks that the model is the same.
   */
  private static boolean alreadySigned(ArtifactStore store, PrintStream err) {
    try {
      if (store.size(ArtifactLayout.SIGNATURE).isPresent()) {
        err.println("trainer: " + store.uri("") + " is signed already; progress is not published");
        return true;
      }
    } catch (IOException e) {
      err.println(
          "trainer: cannot look at " + store.uri("") + " (training goes on): " + e.getMessage());
    }
    return false;
  }
}
