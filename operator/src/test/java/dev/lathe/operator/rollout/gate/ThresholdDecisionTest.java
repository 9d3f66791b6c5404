package dev.lathe.operator.rollout.gate;

import static dev.lathe.api.v1alpha1.EvaluationMetric.ACCURACY;
import static dev.lathe.api.v1alpha1.EvaluationMetric.ERROR_RATE;
import static dev.lathe.api.v1alpha1.EvaluationMetric.LATENCY_P95_MS;
import static dev.lathe.api.v1alpha1.EvaluationMetric.LIVE_ERROR_RATE;
import static dev.lathe.api.v1alpha1.EvaluationMetric.LIVE_LATENCY_P95_MS;
import static dev.lathe.api.v1alpha1.EvaluationMetric.LIVE_TTFT_P95_MS;
import static dev.lathe.operator.rollout.gate.Reports.live;
import static dev.lathe.operator.rollout.gate.Reports.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.MetricVerdict;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.artifact.contract.GateReport.Live;
import dev.lathe.artifact.contract.GateReport.Paired;
import org.junit.jupiter.api.Test;

class ThresholdDecisionTest {

  private static MetricResult decide(MetricThreshold threshold, GateReport report) {
    return ThresholdDecision.decide(threshold, 20, MetricFigures.of(threshold.getMetric(), report));
  }

  private static MetricResult accuracy(Double maxRegression, Paired table) {
    return decide(threshold(ACCURACY, null, null, maxRegression), Reports.withAccuracy(table));
  }

  @Test
  void aCandidateWhoseWholeIntervalIsWorseThanTheToleranceFails() {
    MetricResult result = accuracy(0.05, new Paired(100, 0, 80, 20));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getPassed()).isFalse();
    assertThat(result.getCanary()).isEqualTo(0.5);
    assertThat(result.getStable()).isEqualTo(0.9);
    assertThat(result.getIntervalUpper()).isCloseTo(-0.3293, within(1e-4));
    assertThat(result.getReason())
        .contains("canary 0.500 vs stable 0.900")
        .contains("[-0.466, -0.329]")
        .contains("wholly worse than maxRegression 0.050");
  }

  @Test
  void aCandidateEqualToStableOnEnoughItemsPasses() {
    MetricResult result = accuracy(0.05, new Paired(380, 2, 2, 16));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
    assertThat(result.getPassed()).isTrue();
    assertThat(result.getIntervalLower()).isCloseTo(-0.0139, within(1e-4));
    assertThat(result.getReason()).contains("wholly within maxRegression 0.050");
  }

  @Test
  void aBetterCandidatePassesWithAPositiveInterval() {
    MetricResult result = accuracy(0.0, new Paired(150, 40, 2, 8));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
    assertThat(result.getIntervalLower()).isGreaterThan(0.13);
  }

  @Test
  void aSmallSetWhoseIntervalStraddlesTheToleranceIsInconclusiveNotPassedOnLuck() {
    // 25 items, all answered alike: the point difference is 0, but 25 items cannot show the
    // candidate is within 5 points of stable.
    MetricResult result = accuracy(0.05, new Paired(25, 0, 0, 0));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getPassed()).isFalse();
    assertThat(result.getDifference()).isZero();
    assertThat(result.getReason())
        .contains("straddles maxRegression 0.050")
        .contains("more items are needed");
  }

  @Test
  void aSmallSetWithAWorseCandidateIsInconclusiveNotFailedOnNoise() {
    // 22 items, the candidate wrong on 3 more than stable: worse by 14 points, but not provably.
    MetricResult result = accuracy(0.05, new Paired(17, 0, 3, 2));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getDifference()).isCloseTo(-3 / 22.0, within(1e-12));
  }

  @Test
  void noRegressionAllowedCanNeverBeProvenByEqualAnswers() {
    MetricResult result = accuracy(0.0, new Paired(900, 5, 5, 90));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
  }

  @Test
  void fewerItemsThanMinSamplesAreInconclusiveWhateverTheFigures() {
    MetricResult result = accuracy(0.05, new Paired(0, 0, 19, 0));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getSamples()).isEqualTo(19);
    assertThat(result.getMinSamples()).isEqualTo(20);
    assertThat(result.getReason())
        .isEqualTo("the candidate's figure rests on 19 sample(s), fewer than minSamples 20");
  }

  @Test
  void aThresholdsOwnMinSamplesOverridesTheGates() {
    MetricThreshold threshold = threshold(ACCURACY, 0.5, null, null);
    threshold.setMinSamples(5);

    MetricResult result = decide(threshold, Reports.withAccuracy(new Paired(8, 0, 0, 2)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
    assertThat(result.getMinSamples()).isEqualTo(5);
  }

  @Test
  void anAbsoluteMinFailsOnTheCandidatesMeasuredFigure() {
    MetricResult result =
        decide(threshold(ACCURACY, 0.8, null, null), Reports.withAccuracy(new Paired(30, 0, 5, 5)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getReason()).isEqualTo("canary 0.750 is below min 0.800");
    assertThat(result.getMin()).isEqualTo(0.8);
  }

  @Test
  void anAbsoluteFailureDecidesEvenWhenTheRegressionIsUndecided() {
    MetricResult result =
        decide(threshold(ACCURACY, 0.9, null, 0.05), Reports.withAccuracy(new Paired(20, 0, 2, 2)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getReason()).contains("below min 0.900");
  }

  @Test
  void everyBoundThatHeldIsNamedWhenTheThresholdPasses() {
    MetricResult result =
        decide(
            threshold(ACCURACY, 0.5, 1.0, 0.05), Reports.withAccuracy(new Paired(380, 2, 2, 16)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
    assertThat(result.getReason())
        .contains("canary 0.955 ≥ min 0.500")
        .contains("≤ max 1.000")
        .contains("wholly within maxRegression");
    assertThat(result.getMaxRegression()).isEqualTo(0.05);
  }

  @Test
  void moreErrorsThanStableByMoreThanTheToleranceFailTheLowerIsBetterDirection() {
    GateReport base = Reports.withAccuracy(new Paired(200, 0, 0, 0));
    GateReport report = Reports.withErrors(base, new Paired(0, 30, 0, 170));

    MetricResult result = decide(threshold(ERROR_RATE, null, null, 0.02), report);

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getCanary()).isEqualTo(0.15);
    assertThat(result.getStable()).isEqualTo(0.0);
    assertThat(result.getIntervalLower()).isCloseTo(0.1032, within(1e-4));
  }

  @Test
  void equalErrorRatesOnManyItemsPassTheLowerIsBetterDirection() {
    GateReport report =
        Reports.withErrors(
            Reports.withAccuracy(new Paired(400, 0, 0, 0)), new Paired(0, 1, 1, 398));

    MetricResult result = decide(threshold(ERROR_RATE, null, null, 0.02), report);

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
  }

  @Test
  void aSlowerCandidateThanTheRelativeToleranceAllowsFails() {
    MetricResult result =
        decide(threshold(LATENCY_P95_MS, null, null, 0.2), Reports.withLatency(40, 250, 200));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getReason())
        .isEqualTo("canary 250.0 ms vs stable 200.0 ms is more than maxRegression 20% slower");
    assertThat(result.getDifference()).isEqualTo(50.0);
  }

  @Test
  void aCandidateWithinTheRelativeLatencyTolerancePasses() {
    MetricResult result =
        decide(threshold(LATENCY_P95_MS, null, null, 0.2), Reports.withLatency(40, 239, 200));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
  }

  @Test
  void aRelativeBoundOnAStableFigureOfZeroIsInconclusive() {
    MetricResult result =
        decide(threshold(LATENCY_P95_MS, null, null, 0.2), Reports.withLatency(40, 10, 0));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason())
        .contains("a relative bound on a stable figure of 0 is undefined");
  }

  @Test
  void anAbsoluteMaxOnLatencyFailsAboveIt() {
    MetricResult result =
        decide(threshold(LATENCY_P95_MS, null, 220.0, null), Reports.withLatency(40, 250, 200));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getReason()).isEqualTo("canary 250.0 ms is above max 220.0 ms");
  }

  @Test
  void aFigureThatIsNotANumberIsInconclusive() {
    MetricResult result =
        decide(
            threshold(LATENCY_P95_MS, null, 220.0, null), Reports.withLatency(40, Double.NaN, 200));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getCanary()).isNull();
    assertThat(result.getReason()).isEqualTo("the candidate's figure is not a number");
  }

  @Test
  void liveMetricsWithoutPodsToScrapeAreInconclusiveSayingSo() {
    MetricResult result =
        decide(threshold(LIVE_ERROR_RATE, null, 0.01, null), Reports.withLive(null, null));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason())
        .isEqualTo(
            "no live metrics: the evaluation was given none of either version's pods to scrape");
  }

  @Test
  void podsThatAnsweredNoScrapeLeaveLiveMetricsInconclusive() {
    Live unscraped = new Live(2, 0, 60, 0, 0, null, 0, null);

    MetricResult result =
        decide(
            threshold(LIVE_LATENCY_P95_MS, null, 500.0, null),
            Reports.withLive(unscraped, live(500, 0, 100.0)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason()).contains("none of the candidate's 2 pod(s) answered both");
  }

  @Test
  void aFewLiveErrorsAgainstAStableWithNoneStayWithinAnAbsoluteTolerance() {
    // Stable's error rate is 0: a relative bound would forbid any error; the absolute one allows
    // 2 points, and the interval of 5/500 − 0/500 ([0.0005, 0.0232]) straddles it.
    MetricResult result =
        decide(
            threshold(LIVE_ERROR_RATE, null, null, 0.02),
            Reports.withLive(live(500, 5, 100.0), live(500, 0, 100.0)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getStable()).isZero();
    assertThat(result.getIntervalUpper()).isCloseTo(0.0232, within(1e-4));
  }

  @Test
  void manyMoreLiveErrorsThanStableFail() {
    MetricResult result =
        decide(
            threshold(LIVE_ERROR_RATE, null, null, 0.02),
            Reports.withLive(live(500, 60, 100.0), live(500, 2, 100.0)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getSamples()).isEqualTo(500);
    assertThat(result.getStableSamples()).isEqualTo(500);
  }

  @Test
  void anAbsoluteLiveBoundNeedsNoStableFigure() {
    MetricResult result =
        decide(
            threshold(LIVE_TTFT_P95_MS, null, 50.0, null),
            Reports.withLive(live(100, 0, 100.0), null));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Passed);
    assertThat(result.getCanary()).isEqualTo(25.0);
    assertThat(result.getStable()).isNull();
  }

  @Test
  void aRegressionBoundWithoutStableFiguresIsInconclusive() {
    MetricResult result =
        decide(
            threshold(LIVE_TTFT_P95_MS, null, null, 0.1),
            Reports.withLive(live(100, 0, 100.0), null));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason()).isEqualTo("stable has no figure to compare the canary with");
  }

  @Test
  void aStableFigureOnTooFewSamplesLeavesTheRegressionInconclusive() {
    MetricResult result =
        decide(
            threshold(LIVE_LATENCY_P95_MS, null, null, 0.1),
            Reports.withLive(live(100, 0, 100.0), live(3, 0, 100.0)));

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason()).contains("stable's figure rests on 3 sample(s)");
  }
}
