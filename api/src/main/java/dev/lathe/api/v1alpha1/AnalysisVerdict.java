package dev.lathe.api.v1alpha1;

/**
 * The outcome of one evaluation gate run. Each threshold has a {@link MetricVerdict}; the run's
 * verdict is Failed if any threshold failed, else Inconclusive if any was inconclusive, else
 * Passed.
 */
public enum AnalysisVerdict {
  /** Still scoring. */
  Running,
  /** Every threshold held. */
  Passed,
  /** At least one threshold failed: the rollout rolls back. */
  Failed,
  /**
   * No threshold failed, but at least one could not be decided (too few samples, no data, or an
   * interval that straddles the tolerance): the rollout pauses for a person to decide.
   */
  Inconclusive,
  /** The evaluation itself could not run (for example the dataset was unreadable). */
  Error
}
