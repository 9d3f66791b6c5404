package dev.lathe.api.v1alpha1;

/** What one threshold of an evaluation gate concluded. */
public enum MetricVerdict {
  /** The figure is within the threshold (for a paired comparison: the whole interval is). */
  Passed,
  /** The figure is beyond the threshold (for a paired comparison: the whole interval is). */
  Failed,
  /**
   * Undecided: fewer samples than minSamples, no data, a figure that is not a number, or a paired
   * interval that straddles the tolerance.
   */
  Inconclusive,
  /**
   * Not measured: the figure's source failed (a Prometheus that could not be reached, or that
   * refused the query); the reason quotes it.
   */
  Error
}
