package dev.lathe.cli.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.MetricResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A gate run's evidence in the words the story prints: the verdict, then per threshold the
 * candidate's and stable's figures, the paired interval and the bound it was held to.
 */
final class GateFigures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GateFigures() {}

  /** "gate of step 1 (v2 vs v1): Passed (ThresholdsHeld) on 48 items" and a line per threshold. */
  static List<String> describe(AnalysisRun run) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder("gate of step ")
            .append(run.getStep() == null ? "?" : run.getStep() + 1)
            .append(" (")
            .append(run.getCanaryVersion())
            .append(" vs ")
            .append(run.getStableVersion())
            .append("): ")
            .append(run.getVerdict() == null ? "?" : run.getVerdict().name());
    Optional.ofNullable(run.getReason()).ifPresent(r -> head.append(" (").append(r).append(')'));
    Optional.ofNullable(run.getSamples())
        .ifPresent(n -> head.append(" on ").append(n).append(" items"));
    lines.add(head.toString());
    for (MetricResult result : Optional.ofNullable(run.getResults()).orElse(List.of())) {
      lines.add("  " + metric(result));
    }
    if ((run.getResults() == null || run.getResults().isEmpty()) && run.getMessage() != null) {
      lines.add("  " + run.getMessage());
    }
    return lines;
  }

  /**
   * "accuracy (evaluation): candidate 0.917, stable 0.458, difference +0.458, 95% interval [+0.312,
   * +0.583], maxRegression 0.1 → Passed".
   */
  static String metric(MetricResult result) {
    StringBuilder out = new StringBuilder(name(result));
    Optional.ofNullable(result.getSource()).ifPresent(s -> out.append(" (").append(s).append(')'));
    out.append(": candidate ");
    out.append(figure(result.getCanary())).append(", stable ").append(figure(result.getStable()));
    if (result.getDifference() != null) {
      out.append(", difference ").append(signed(result.getDifference()));
    }
    if (result.getIntervalLower() != null && result.getIntervalUpper() != null) {
      out.append(", 95% interval [")
          .append(signed(result.getIntervalLower()))
          .append(", ")
          .append(signed(result.getIntervalUpper()))
          .append(']');
    }
    Optional.ofNullable(result.getMaxRegression())
        .ifPresent(m -> out.append(", maxRegression ").append(figure(m)));
    Optional.ofNullable(result.getMin()).ifPresent(m -> out.append(", min ").append(figure(m)));
    Optional.ofNullable(result.getMax()).ifPresent(m -> out.append(", max ").append(figure(m)));
    out.append(" → ")
        .append(
            result.getVerdict() != null
                ? result.getVerdict().name()
                : Boolean.TRUE.equals(result.getPassed()) ? "Passed" : "not passed");
    return out.toString();
  }

  /** The metric as the manifest spells it (accuracy, latencyP95Ms), not the Java constant. */
  private static String name(MetricResult result) {
    return result.getMetric() == null ? "?" : JSON.convertValue(result.getMetric(), String.class);
  }

  private static String figure(Double value) {
    return value == null
        ? "-"
        : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }

  private static String signed(double value) {
    return String.format(Locale.ROOT, "%+.3f", value);
  }
}
