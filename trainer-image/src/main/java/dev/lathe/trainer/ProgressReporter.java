package dev.lathe.trainer;

import dev.lathe.artifact.contract.ProgressReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Writes progress.json atomically after each step, for the operator to show in status. */
final class ProgressReporter {

  private final Path file;
  private final Clock clock;
  private final Instant started;
  private final int firstStep;

  ProgressReporter(Path file, Clock clock, int firstStep) {
    this.file = file;
    this.clock = clock;
    this.started = clock.instant();
    this.firstStep = firstStep;
  }

  void report(int step, int totalSteps, double epoch, double loss, long tokens, Double evalLoss) {
    Instant now = clock.instant();
    double seconds = Math.max(1e-9, Duration.between(started, now).toNanos() / 1e9);
    int done = step - firstStep;
    ProgressReport progress =
        new ProgressReport(
            step,
            totalSteps,
            Optional.of(epoch),
            Optional.of(loss),
            Optional.ofNullable(evalLoss),
            Optional.of(tokens / seconds),
            done > 0
                ? Optional.of(
                    now.plusNanos((long) (seconds / done * (totalSteps - step) * 1e9)).toString())
                : Optional.empty(),
            Optional.of(now.toString()));
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".progress-", ".tmp");
      Files.writeString(temporary, progress.toJson());
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
