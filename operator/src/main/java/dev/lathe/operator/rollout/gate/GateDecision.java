package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.AnalysisRunReasons;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.MetricVerdict;
import dev.lathe.artifact.contract.GateReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The gate's verdict from a report: every threshold decided on its own, then Failed if any failed,
 * else Error if any could not be measured, else Inconclusive if any was undecided, else Passed. The
 * message carries the figures of the thresholds that decided it (it becomes the GateFailed
 * condition message). Pure.
 */
public final class GateDecision {

  /** The gate's minSamples when spec.rollout.evaluation.minSamples is absent. */
  public static final int DEFAULT_MIN_SAMPLES = 20;

  private GateDecision() {}

  /**
   * @param verdict Passed, Failed, Error or Inconclusive
   * @param reason one of {@link AnalysisRunReasons}
   * @param results every threshold's figures, in spec order
   * @param message what decided it, with figures
   */
  public record GateOutcome(
      AnalysisVerdict verdict, String reason, List<MetricResult> results, String message) {}

  public static GateOutcome decide(EvaluationGate gate, GateReport report) {
    int minSamples = Optional.ofNullable(gate.getMinSamples()).orElse(DEFAULT_MIN_SAMPLES);
    List<MetricResult> results = new ArrayList<>();
    for (MetricThreshold threshold : gate.getThresholds()) {
      results.add(
          ThresholdDecision.decide(
              threshold, minSamples, MetricFigures.of(threshold.getMetric(), report)));
    }
    List<MetricResult> failed = with(results, MetricVerdict.Failed);
    List<MetricResult> unmeasured = with(results, MetricVerdict.Error);
    List<MetricResult> undecided = with(results, MetricVerdict.Inconclusive);
    String items = report.items() + " item(s) asked of both versions";
    if (!failed.isEmpty()) {
      return new GateOutcome(
          AnalysisVerdict.Failed,
          AnalysisRunReasons.GATE_FAILED,
          results,
          describe(failed) + " (" + items + ")");
    }
    if (!unmeasured.isEmpty()) {
      // As Argo Rollouts counts a measurement error: the gate runs again, up to
      // consecutiveErrorLimit, rather than judging the canary on figures nobody measured.
      return new GateOutcome(
          AnalysisVerdict.Error,
          AnalysisRunReasons.METRIC_QUERY_FAILED,
          results,
          describe(unmeasured) + " (" + items + ")");
    }
    if (!undecided.isEmpty()) {
      return new GateOutcome(
          AnalysisVerdict.Inconclusive,
          AnalysisRunReasons.GATE_INCONCLUSIVE,
          results,
          describe(undecided) + " (" + items + "); a person decides: promote or abort");
    }
    return new GateOutcome(
        AnalysisVerdict.Passed,
        AnalysisRunReasons.THRESHOLDS_HELD,
        results,
        describe(results) + " (" + items + ")");
  }

  private static List<MetricResult> with(List<MetricResult> results, MetricVerdict verdict) {
    return results.stream().filter(r -> r.getVerdict() == verdict).toList();
  }

  private static String describe(List<MetricResult> results) {
    return results.stream()
        .map(
            r ->
                MetricNames.of(r.getMetric())
                    + " "
                    + r.getVerdict()
                    + ": "
                    + r.getReason()
                    + " (n="
                    + r.getSamples()
                    + ")")
        .collect(Collectors.joining("; "));
  }
}
