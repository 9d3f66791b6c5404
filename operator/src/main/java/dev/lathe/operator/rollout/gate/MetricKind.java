package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationMetric;

/**
 * How a metric is compared: which way is better, and whether {@code maxRegression} is an absolute
 * difference (fractions) or a ratio (milliseconds). See MetricThreshold.maxRegression.
 */
enum MetricKind {
  /** A share where more is better (accuracy, exactMatch): regression is stable − candidate. */
  HIGHER_FRACTION,
  /** A share where less is better (error rates): regression is candidate − stable. */
  LOWER_FRACTION,
  /** A duration in ms: the candidate may be at most (1 + maxRegression) × stable. */
  LOWER_MILLIS;

  static MetricKind of(EvaluationMetric metric) {
    return switch (metric) {
      case ACCURACY, EXACT_MATCH -> HIGHER_FRACTION;
      case ERROR_RATE, LIVE_ERROR_RATE -> LOWER_FRACTION;
      case LATENCY_P50_MS, LATENCY_P95_MS, TTFT_P95_MS, LIVE_LATENCY_P95_MS, LIVE_TTFT_P95_MS ->
          LOWER_MILLIS;
    };
  }

  String format(double value) {
    return this == LOWER_MILLIS
        ? String.format(java.util.Locale.ROOT, "%.1f ms", value)
        : String.format(java.util.Locale.ROOT, "%.3f", value);
  }
}
