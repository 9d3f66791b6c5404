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
  Inconclusive
}
