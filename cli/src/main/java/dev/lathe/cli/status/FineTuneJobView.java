package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.TrainingProgress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** A FineTuneJob at a glance: progress bar, step/total, loss, ETA, queue state and conditions. */
final class FineTuneJobView {

  private FineTuneJobView() {}

  static String render(FineTuneJob job, Instant now) {
    StringBuilder out = new StringBuilder();
    Header.render(
        "FineTuneJob", job.getMetadata(), job.getStatus() == null ? null : job.getStatus(), out);
    FineTuneJobStatus status = job.getStatus() == null ? new FineTuneJobStatus() : job.getStatus();
    out.append("State:      ").append(state(status)).append('\n');
    progress(status, now, out);
    queue(status, out);
    if (status.getAttempts() != null) {
      out.append("Attempts:   ").append(status.getAttempts());
      Optional.ofNullable(status.getJobName())
          .ifPresent(j -> out.append(" (Job ").append(j).append(')'));
      out.append('\n');
    }
    Optional.ofNullable(status.getStartTime())
        .ifPresent(
            t ->
                out.append("Started:    ")
                    .append(t)
                    .append(" (")
                    .append(Ages.since(t, now))
                    .append(" ago)\n"));
    Optional.ofNullable(status.getCompletionTime())
        .ifPresent(t -> out.append("Completed:  ").append(t).append('\n'));
    Optional.ofNullable(status.getModelVersion())
        .ifPresent(
            v ->
                out.append("Published:  ModelVersion ")
                    .append(v)
                    .append("   (lathe status mv/")
                    .append(v)
                    .append(")\n"));
    ConditionTable.render(status.getConditions(), now, out);
    return out.toString();
  }

  /** The one word a person wants first: the terminal or current phase, read from conditions. */
  static String state(FineTuneJobStatus status) {
    var conditions = status.getConditions();
    if (ConditionTable.isTrue(conditions, FineTuneJobStatus.SUCCEEDED)) {
      return "Succeeded";
    }
    if (ConditionTable.isTrue(conditions, FineTuneJobStatus.FAILED)) {
      return "Failed";
    }
    if (ConditionTable.isTrue(conditions, FineTuneJobStatus.RUNNING)) {
      return "Running";
    }
    if (ConditionTable.isTrue(conditions, FineTuneJobStatus.QUEUED)) {
      return "Queued";
    }
    Condition accepted = ConditionTable.find(conditions, FineTuneJobStatus.ACCEPTED);
    if (accepted != null && Condition.FALSE.equals(accepted.getStatus())) {
      return "Not accepted (" + accepted.getReason() + ")";
    }
    Condition running = ConditionTable.find(conditions, FineTuneJobStatus.RUNNING);
    if (running != null) {
      return "Starting (" + running.getReason() + ")";
    }
    return "Pending";
  }

  private static void progress(FineTuneJobStatus status, Instant now, StringBuilder out) {
    TrainingProgress p = status.getProgress();
    if (p == null || p.getTotalSteps() == null) {
      out.append("Progress:   (no report from the trainer yet)\n");
      return;
    }
    long step = Optional.ofNullable(p.getStep()).orElse(0L);
    long total = p.getTotalSteps();
    int percent =
        Optional.ofNullable(p.getPercentComplete())
            .orElse(total <= 0 ? 0 : (int) (step * 100 / total));
    out.append("Progress:   ")
        .append(ProgressBar.of(step, total))
        .append(String.format(Locale.ROOT, " %3d%%  step %d/%d", percent, step, total))
        .append('\n');
    StringBuilder figures = new StringBuilder();
    Optional.ofNullable(p.getLoss())
        .ifPresent(l -> figures.append(String.format(Locale.ROOT, "loss %.4f", l)));
    Optional.ofNullable(p.getEvalLoss())
        .ifPresent(l -> figures.append(String.format(Locale.ROOT, "   eval loss %.4f", l)));
    Optional.ofNullable(p.getEpoch())
        .ifPresent(e -> figures.append(String.format(Locale.ROOT, "   epoch %.2f", e)));
    Optional.ofNullable(p.getTokensPerSecond())
        .ifPresent(t -> figures.append(String.format(Locale.ROOT, "   %.0f tokens/s", t)));
    if (!figures.isEmpty()) {
      out.append("            ").append(figures.toString().strip()).append('\n');
    }
    if (!ConditionTable.isTrue(status.getConditions(), FineTuneJobStatus.SUCCEEDED)) {
      Ages.parse(p.getEstimatedCompletionTime())
          .ifPresent(
              eta ->
                  out.append("ETA:        ")
                      .append(
                          eta.isAfter(now)
                              ? "in " + Ages.of(Duration.between(now, eta))
                              : "any moment")
                      .append(" (")
                      .append(eta.truncatedTo(ChronoUnit.SECONDS))
                      .append(")\n"));
    }
    Optional.ofNullable(p.getUpdateTime())
        .ifPresent(t -> out.append("Reported:   ").append(Ages.since(t, now)).append(" ago\n"));
  }

  private static void queue(FineTuneJobStatus status, StringBuilder out) {
    Condition queued = ConditionTable.find(status.getConditions(), FineTuneJobStatus.QUEUED);
    if (queued == null) {
      return;
    }
    // The queue position, when there is one, is in the message ("waiting behind 2 older jobs").
    out.append("Queue:      ")
        .append(Condition.TRUE.equals(queued.getStatus()) ? "queued, " : "")
        .append(queued.getReason())
        .append(queued.getMessage() == null ? "" : ": " + queued.getMessage())
        .append('\n');
  }
}
