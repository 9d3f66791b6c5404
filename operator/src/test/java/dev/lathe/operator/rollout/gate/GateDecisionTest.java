package dev.lathe.operator.rollout.gate;

import static dev.lathe.api.v1alpha1.EvaluationMetric.ACCURACY;
import static dev.lathe.api.v1alpha1.EvaluationMetric.LATENCY_P95_MS;
import static dev.lathe.operator.rollout.gate.Reports.threshold;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AnalysisRunReasons;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.MetricVerdict;
import dev.lathe.artifact.contract.GateReport.Paired;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateDecisionTest {

  private static EvaluationGate gate(MetricThreshold... thresholds) {
    EvaluationGate gate = new EvaluationGate();
    gate.setThresholds(List.of(thresholds));
    return gate;
  }

  @Test
  void everyThresholdHeldPassesTheGate() {
    GateDecision.GateOutcome outcome =
        GateDecision.decide(
            gate(
                threshold(ACCURACY, 0.5, null, 0.05), threshold(LATENCY_P95_MS, null, 500.0, null)),
            Reports.withAccuracy(new Paired(380, 2, 2, 16)));

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Passed);
    assertThat(outcome.reason()).isEqualTo(AnalysisRunReasons.THRESHOLDS_HELD);
    assertThat(outcome.results())
        .extracting(r -> r.getVerdict())
        .containsOnly(MetricVerdict.Passed);
    assertThat(outcome.message()).contains("accuracy Passed").contains("(400 item(s) asked");
  }

  @Test
  void oneFailedThresholdFailsTheGateAndTheMessageCarriesItsFigures() {
    GateDecision.GateOutcome outcome =
        GateDecision.decide(
            gate(
                threshold(LATENCY_P95_MS, null, 500.0, null),
                threshold(ACCURACY, null, null, 0.05)),
            Reports.withAccuracy(new Paired(100, 0, 80, 20)));

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Failed);
    assertThat(outcome.reason()).isEqualTo(AnalysisRunReasons.GATE_FAILED);
    assertThat(outcome.message())
        .startsWith("accuracy Failed: canary 0.500 vs stable 0.900, difference -0.400")
        .contains("maxRegression 0.050")
        .contains("(n=200)")
        .doesNotContain("latencyP95Ms");
    assertThat(outcome.results()).hasSize(2);
  }

  @Test
  void aFailureOutweighsAnInconclusiveThreshold() {
    GateDecision.GateOutcome outcome =
        GateDecision.decide(
            gate(threshold(ACCURACY, null, null, 0.0), threshold(ACCURACY, 0.99, null, null)),
            Reports.withAccuracy(new Paired(900, 5, 5, 90)));

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Failed);
  }

  @Test
  void anUndecidedThresholdWithNoFailureMakesTheGateInconclusiveForAPersonToDecide() {
    EvaluationGate gate = gate(threshold(ACCURACY, null, null, 0.05));
    gate.setMinSamples(50);

    GateDecision.GateOutcome outcome =
        GateDecision.decide(gate, Reports.withAccuracy(new Paired(30, 0, 0, 0)));

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Inconclusive);
    assertThat(outcome.reason()).isEqualTo(AnalysisRunReasons.GATE_INCONCLUSIVE);
    assertThat(outcome.message())
        .contains("fewer than minSamples 50")
        .endsWith("a person decides: promote or abort");
  }

  @Test
  void theGatesMinSamplesDefaultsToTwenty() {
    GateDecision.GateOutcome outcome =
        GateDecision.decide(
            gate(threshold(ACCURACY, 0.1, null, null)),
            Reports.withAccuracy(new Paired(19, 0, 0, 0)));

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Inconclusive);
    assertThat(outcome.results().get(0).getMinSamples())
        .isEqualTo(GateDecision.DEFAULT_MIN_SAMPLES);
  }
}
