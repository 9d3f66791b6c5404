package dev.lathe.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Writes progress.json atomically after each step, for the operator to show in status. */
final class ProgressReporter {

  private static final ObjectMapper JSON = new ObjectMapper();

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
    ObjectNode progress = JSON.createObjectNode();
    progress.put("step", step);
    progress.put("totalSteps", totalSteps);
    progress.put("epoch", epoch);
    progress.put("loss", loss);
    if (evalLoss != null) {
      progress.put("evalLoss", evalLoss);
    }
    progress.put("tokensPerSecond", tokens / seconds);
    if (done > 0) {
      long remainingNanos = (long) (seconds / done * (totalSteps - step) * 1e9);
      progress.put("estimatedCompletionTime", now.plusNanos(remainingNanos).toString());
    }
    progress.put("updateTime", now.toString());
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".progress-", ".tmp");
      JSON.writeValue(temporary.toFile(), progress);
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
