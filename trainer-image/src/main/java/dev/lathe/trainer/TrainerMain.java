package dev.lathe.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The trainer image's entry point: reads the contract from the environment and runs. A failure the
 * user can fix (contract, dataset, base model) exits 1 with its message on stderr and in the
 * termination log, which Kubernetes shows as the pod's termination message.
 */
public final class TrainerMain {

  private TrainerMain() {}

  public static void main(String[] args) {
    TrainerContract contract;
    try {
      contract = TrainerContract.fromEnvironment(System.getenv());
    } catch (TrainerContract.ContractException e) {
      fail(
          Path.of(
              System.getenv()
                  .getOrDefault(TrainerContract.TERMINATION_LOG, "/dev/termination-log")),
          e.getMessage());
      return;
    }
    try {
      new Trainer(contract, System.err, Clock.systemUTC()).run();
    } catch (TrainerContract.ContractException
        | JsonlDataset.DatasetException
        | IllegalArgumentException e) {
      fail(contract.terminationLog(), e.getMessage());
    } catch (IOException e) {
      fail(contract.terminationLog(), "I/O failure: " + e.getMessage());
    }
  }

  private static void fail(Path terminationLog, String message) {
    System.err.println("trainer: " + message);
    try {
      if (Files.isWritable(terminationLog)
          || Files.isWritable(terminationLog.toAbsolutePath().getParent())) {
        Files.writeString(terminationLog, message);
      }
    } catch (IOException | RuntimeException ignored) {
      // The message is on stderr already; the termination log is a convenience.
    }
    System.exit(1);
  }
}
