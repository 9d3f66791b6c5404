package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.MetricVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides one threshold from one metric's figures: Error when they could not be measured (their
 * source failed), Inconclusive without enough data, Failed when an absolute bound or the regression
 * bound is broken, Passed when every bound it sets holds. Pure; the arithmetic is documented on
 * MetricThreshold.
 */
final class ThresholdDecision {

  private ThresholdDecision() {}

  static MetricResult decide(MetricThreshold threshold, int gateMinSamples, MetricFigures figures) {
    MetricKind kind = MetricKind.of(threshold.getMetric());
    int minSamples = threshold.getMinSamples() != null ? threshold.getMinSamples() : gateMinSamples;
    MetricResult result = new MetricResult();
    result.setMetric(threshold.getMetric());
    result.setMin(threshold.getMin());
    result.setMax(threshold.getMax());
    result.setMaxRegression(threshold.getMaxRegression());
    result.setMinSamples(minSamples);
    result.setSamples(Math.toIntExact(Math.min(Integer.MAX_VALUE, figures.samples())));
    result.setStableSamples(Math.toIntExact(Math.min(Integer.MAX_VALUE, figures.stableSamples())));
    result.setCanary(finiteOrNull(figures.canary()));
    result.setStable(finiteOrNull(figures.stable()));
    if (figures.hasCanary() && figures.hasStable()) {
      result.setDifference(figures.canary() - figures.stable());
    }
    if (figures.difference() != null) {
      result.setIntervalLower(figures.difference().lower());
      result.setIntervalUpper(figures.difference().upper());
    }
    result.setSource(figures.source());
    result.setCanaryQuery(figures.canaryQuery());
    result.setStableQuery(figures.stableQuery());

    if (figures.error() != null) {
      return conclude(result, MetricVerdict.Error, figures.error());
    }

    if (!figures.hasCanary()) {
      return conclude(
          result,
          MetricVerdict.Inconclusive,
          figures.missing() != null ? figures.missing() : "the candidate's figure is not a number");
    }
    if (figures.samples() < minSamples) {
      return conclude(
          result,
          MetricVerdict.Inconclusive,
          "the candidate's figure rests on "
              + figures.samples()
              + " sample(s), fewer than minSamples "
              + minSamples);
    }

    List<String> held = new ArrayList<>();
    double canary = figures.canary();
    if (threshold.getMin() != null) {
      if (canary < threshold.getMin()) {
        return conclude(
            result,
            MetricVerdict.Failed,
            "canary " + kind.format(canary) + " is below min " + kind.format(threshold.getMin()));
      }
      held.add("canary " + kind.format(canary) + " ≥ min " + kind.format(threshold.getMin()));
    }
    if (threshold.getMax() != null) {
      if (canary > threshold.getMax()) {
        return conclude(
            result,
            MetricVerdict.Failed,
            "canary " + kind.format(canary) + " is above max " + kind.format(threshold.getMax()));
      }
      held.add("canary " + kind.format(canary) + " ≤ max " + kind.format(threshold.getMax()));
    }
    if (threshold.getMaxRegression() != null) {
      Conclusion regression = regression(kind, threshold.getMaxRegression(), minSamples, figures);
      if (regression.verdict() != MetricVerdict.Passed) {
        return conclude(result, regression.verdict(), regression.reason());
      }
      held.add(regression.reason());
    }
    return conclude(result, MetricVerdict.Passed, String.join("; ", held));
  }

  private record Conclusion(MetricVerdict verdict, String reason) {}

  private static Conclusion regression(
      MetricKind kind, double tolerance, int minSamples, MetricFigures figures) {
    if (!figures.hasStable()) {
      return new Conclusion(
          MetricVerdict.Inconclusive, "stable has no figure to compare the canary with");
    }
    if (figures.stableSamples() < minSamples) {
      return new Conclusion(
          MetricVerdict.Inconclusive,
          "stable's figure rests on "
              + figures.stableSamples()
              + " sample(s), fewer than minSamples "
              + minSamples);
    }
    double canary = figures.canary();
    double stable = figures.stable();
    String pair = "canary " + kind.format(canary) + " vs stable " + kind.format(stable);
    return switch (kind) {
      case LOWER_MILLIS -> {
        if (stable <= 0) {
          yield new Conclusion(
              MetricVerdict.Inconclusive,
              pair + ": a relative bound on a stable figure of 0 is undefined");
        }
        double bound = stable * (1 + tolerance);
        yield canary > bound
            ? new Conclusion(
                MetricVerdict.Failed,
                pair + " is more than maxRegression " + percent(tolerance) + " slower")
            : new Conclusion(
                MetricVerdict.Passed, pair + " is within maxRegression " + percent(tolerance));
      }
      case HIGHER_FRACTION, LOWER_FRACTION -> fraction(kind, tolerance, figures, pair);
    };
  }

  /**
   * With an interval of candidate − stable: the regression is beyond the tolerance only when the
   * whole interval is, within it only when the whole interval is. Without one (no paired data), the
   * point difference decides.
   */
  private static Conclusion fraction(
      MetricKind kind, double tolerance, MetricFigures figures, String pair) {
    double difference = figures.canary() - figures.stable();
    // Regression measured as "how much worse": for accuracy stable − candidate, for errors the
    // other way round; an interval of candidate − stable maps to one of "worse" by sign.
    boolean higherIsBetter = kind == MetricKind.HIGHER_FRACTION;
    String bound = "maxRegression " + kind.format(tolerance);
    Interval interval = figures.difference();
    if (interval == null) {
      double worse = higherIsBetter ? -difference : difference;
      return worse > tolerance
          ? new Conclusion(MetricVerdict.Failed, pair + " is worse by more than " + bound)
          : new Conclusion(MetricVerdict.Passed, pair + " is within " + bound);
    }
    double leastWorse = higherIsBetter ? -interval.upper() : interval.lower();
    double mostWorse = higherIsBetter ? -interval.lower() : interval.upper();
    String span =
        String.format(
            Locale.ROOT,
            "%s, difference %+.3f with 95%% interval [%+.3f, %+.3f]",
            pair,
            difference,
            interval.lower(),
            interval.upper());
    if (leastWorse > tolerance) {
      return new Conclusion(
          MetricVerdict.Failed, span + ", wholly worse than " + bound + " allows");
    }
    if (mostWorse <= tolerance) {
      return new Conclusion(MetricVerdict.Passed, span + ", wholly within " + bound);
    }
    return new Conclusion(
        MetricVerdict.Inconclusive,
        span + " straddles " + bound + ": more items are needed to decide");
  }

  private static MetricResult conclude(MetricResult result, MetricVerdict verdict, String reason) {
    result.setVerdict(verdict);
    result.setPassed(verdict == MetricVerdict.Passed);
    result.setReason(reason);
    return result;
  }

  private static Double finiteOrNull(Double value) {
    return value == null || !Double.isFinite(value) ? null : value;
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }
}
