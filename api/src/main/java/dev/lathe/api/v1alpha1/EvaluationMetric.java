package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A figure the evaluation gate measures. */
public enum EvaluationMetric {
  /** Share of examples whose answer matches after normalisation (higher is better). */
  @JsonProperty("accuracy")
  ACCURACY,
  /** Share of examples whose answer matches byte for byte (higher is better). */
  @JsonProperty("exactMatch")
  EXACT_MATCH,
  /** Median request latency in milliseconds (lower is better). */
  @JsonProperty("latencyP50Ms")
  LATENCY_P50_MS,
  /** 95th percentile request latency in milliseconds (lower is better). */
  @JsonProperty("latencyP95Ms")
  LATENCY_P95_MS,
  /** Share of requests that failed (lower is better). */
  @JsonProperty("errorRate")
  ERROR_RATE
}
