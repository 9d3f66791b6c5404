package dev.lathe.trainer;

import dev.lathe.trainer.bench.TrainingBenchmark;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The trainer image's entry point. The operator runs it in three roles, chosen by the first
 * argument: {@code fetch} (the training pod's init container, {@link FetchMode}), {@code train}
 * (the main container, the default, {@link TrainMode}) and {@code verify} (a ModelVersion's
 * verification Job, {@link VerifyMode}); {@code bench} runs the training benchmark ({@link
 * TrainingBenchmark}) with the image's own settings. Every failure exits 1 with its message on
 * stderr and in the termination log, which Kubernetes shows as the pod's termination message.
 */
public final class TrainerMain {

  private TrainerMain() {}

  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.out, System.err);
    System.exit(status);
  }

  /** Runs a mode and returns its exit status, so tests can run modes in process. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String mode = args.length == 0 ? "train" : args[0];
    try {
      return switch (mode) {
        case "fetch" -> FetchMode.run(env, err);
        case "train" -> TrainMode.run(env, err);
        case "verify" -> VerifyMode.run(env, out, err);
        case "bench" -> TrainingBenchmark.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        default ->
            TerminationLog.from(env, err)
                .fail("unknown mode " + mode + ": the trainer runs fetch, train, verify or bench");
      };
    } catch (RuntimeException e) {
      // A bug rather than a bad input: still leave a termination message, then the stack trace.
      e.printStackTrace(err);
      return TerminationLog.from(env, err).fail(mode + " failed: " + e);
    }
  }
}
