package dev.lathe.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutRecord;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A ModelDeployment at a glance: what serves, how many replicas are ready, the endpoint, the
 * rollout's steps with the current one marked, each gate's figures and verdict, and conditions.
 */
final class ModelDeploymentView {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelDeploymentView() {}

  static String render(ModelDeployment deployment, Instant now) {
    StringBuilder out = new StringBuilder();
    ModelDeploymentStatus status =
        deployment.getStatus() == null ? new ModelDeploymentStatus() : deployment.getStatus();
    Header.render("ModelDeployment", deployment.getMetadata(), deployment.getStatus(), out);
    out.append("Serving:    ")
        .append(Optional.ofNullable(status.getStableVersion()).orElse("(nothing yet)"))
        .append("   (spec asks for ")
        .append(deployment.getSpec().getModelVersion())
        .append(")\n");
    out.append("Replicas:   ")
        .append(Optional.ofNullable(status.getReadyReplicas()).orElse(0))
        .append('/')
        .append(
            Optional.ofNullable(status.getReplicas())
                .orElse(Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1)))
        .append(" ready\n");
    out.append("Endpoint:   ")
        .append(Optional.ofNullable(status.getEndpoint()).orElse("(none yet)"))
        .append('\n');
    for (var adapter : Optional.ofNullable(status.getAdapters()).orElse(List.of())) {
      out.append("Adapter:    ")
          .append(adapter.getName())
          .append(" = ")
          .append(adapter.getModelVersion())
          .append(", ")
          .append(Optional.ofNullable(adapter.getReady()).orElse("0/?"))
          .append(" ready\n");
    }
    if (status.getCanaryVersion() != null) {
      out.append("Canary:     ")
          .append(status.getCanaryVersion())
          .append(" at ")
          .append(Optional.ofNullable(status.getCanaryWeight()).orElse(0))
          .append(
              status.getCanaryAdapter() == null
                  ? "% of traffic\n"
                  : "% of adapter "
                      + status.getCanaryAdapter()
                      + "'s requests, on the same pods\n");
    }
    if (status.getAbort() != null) {
      out.append("Rolled back: ")
          .append(status.getAbort().getReason())
          .append(": ")
          .append(status.getAbort().getMessage())
          .append('\n');
    }
    steps(deployment, status, out);
    analysis(status.getAnalysisRuns(), out);
    history(status.getHistory(), out);
    ConditionTable.render(status.getConditions(), now, out);
    return out.toString();
  }

  private static void steps(
      ModelDeployment deployment, ModelDeploymentStatus status, StringBuilder out) {
    List<CanaryStep> steps =
        deployment.getSpec().getRollout() == null
            ? null
            : deployment.getSpec().getRollout().getSteps();
    if (steps == null || steps.isEmpty()) {
      return;
    }
    boolean rolling = status.getCanaryVersion() != null && status.getCurrentStep() != null;
    out.append("Steps:\n");
    for (int i = 0; i < steps.size(); i++) {
      CanaryStep step = steps.get(i);
      String mark;
      if (!rolling) {
        mark = " ";
      } else if (i < status.getCurrentStep()) {
        mark = "✓";
      } else if (i == status.getCurrentStep()) {
        mark = "▶";
      } else {
        mark = " ";
      }
      out.append("  ")
          .append(mark)
          .append(' ')
          .append(i)
          .append("  weight ")
          .append(step.getWeight())
          .append('%');
      Optional.ofNullable(step.getPause())
          .ifPresent(
              p ->
                  out.append("  pause ")
                      .append(p.getDuration() == null ? "until approved" : p.getDuration()));
      if (Boolean.TRUE.equals(step.getEvaluate())) {
        out.append("  evaluate");
      }
      out.append('\n');
    }
  }

  private static void history(List<RolloutRecord> history, StringBuilder out) {
    if (history == null || history.isEmpty()) {
      return;
    }
    out.append("Promotions:\n");
    for (RolloutRecord record : history) {
      out.append("  ")
          .append(record.getPromotedAt())
          .append("  ")
          .append(record.getVersion())
          .append(" replaced ")
          .append(record.getPreviousVersion())
          .append(": ")
          .append(record.getGate())
          .append('\n');
    }
  }

  private static void analysis(List<AnalysisRun> runs, StringBuilder out) {
    if (runs == null || runs.isEmpty()) {
      return;
    }
    out.append("Analysis runs:\n");
    for (AnalysisRun run : runs) {
      out.append("  step ")
          .append(run.getStep())
          .append("  ")
          .append(run.getCanaryVersion())
          .append(" vs ")
          .append(run.getStableVersion())
          .append("  ")
          .append(run.getVerdict() == null ? "?" : run.getVerdict().name())
          .append(run.getMessage() == null ? "" : ": " + run.getMessage())
          .append('\n');
      for (MetricResult result : Optional.ofNullable(run.getResults()).orElse(List.of())) {
        out.append(
            String.format(
                Locale.ROOT,
                "      %-14s canary %-10s stable %-10s %s%s%n",
                metricName(result),
                figure(result.getCanary()),
                figure(result.getStable()),
                result.getPassed() == null ? "" : result.getPassed() ? "held" : "FAILED",
                result.getSource() == null ? "" : "  from " + result.getSource()));
        // A Prometheus figure is only as good as its query: the one that ran, as it ran.
        if (result.getCanaryQuery() != null) {
          out.append("        canary query: ").append(result.getCanaryQuery()).append('\n');
        }
        if (result.getStableQuery() != null) {
          out.append("        stable query: ").append(result.getStableQuery()).append('\n');
        }
      }
    }
  }

  /** The metric as the manifest spells it (accuracy, latencyP95Ms), not the Java constant. */
  private static String metricName(MetricResult result) {
    return result.getMetric() == null ? "?" : JSON.convertValue(result.getMetric(), String.class);
  }

  private static String figure(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.4g", value);
  }
}
