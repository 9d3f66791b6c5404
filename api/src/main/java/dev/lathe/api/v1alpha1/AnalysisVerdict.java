package dev.lathe.api.v1alpha1;

/** The outcome of one evaluation gate run. */
public enum AnalysisVerdict {
  /** Still scoring. */
  Running,
  /** Every threshold held. */
  Passed,
  /** At least one threshold failed: the rollout rolls back. */
  Failed,
  /** The evaluation itself could not run (for example the dataset was unreadable). */
  Error
}
