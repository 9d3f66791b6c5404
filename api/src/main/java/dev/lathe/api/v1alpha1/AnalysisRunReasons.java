package dev.lathe.api.v1alpha1;

/**
 * The reasons an {@link AnalysisRun} carries in {@code reason}, one line each. The rollout copies
 * the reason of a failed or erring run onto its conditions.
 */
public final class AnalysisRunReasons {

  private AnalysisRunReasons() {}

  /** Running: the evaluation Job has not finished. */
  public static final String EVALUATING = "Evaluating";

  /** Passed: every threshold held. */
  public static final String THRESHOLDS_HELD = "ThresholdsHeld";

  /** Failed: at least one threshold failed; the message names its figures. */
  public static final String GATE_FAILED = "GateFailed";

  /** Inconclusive: no threshold failed and at least one could not be decided. */
  public static final String GATE_INCONCLUSIVE = "GateInconclusive";

  /**
   * Error: the evaluation Job failed and left no report (its termination message is quoted), or its
   * report shows that neither version answered a single item.
   */
  public static final String EVALUATION_FAILED = "EvaluationFailed";

  /** Error: the Job ran past its deadline (spec.rollout.evaluation.timeout). */
  public static final String EVALUATION_DEADLINE_EXCEEDED = "EvaluationDeadlineExceeded";

  /**
   * Error: no threshold failed, and at least one could not be measured because its figure's source
   * failed (Prometheus unreachable, or a query it refused); the message quotes the error.
   */
  public static final String METRIC_QUERY_FAILED = "MetricQueryFailed";

  /** Error: the Job completed but its report could not be read. */
  public static final String MALFORMED_REPORT = "MalformedReport";
}
