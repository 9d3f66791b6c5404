package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A figure the evaluation gate measures. The first six come from the evaluation Job's own requests,
 * which ask candidate and stable the same items, interleaved, in one window; the {@code live} ones
 * from the serving pods' own metrics (their /metrics, or Prometheus' queries of them when the gate
 * names one) over that window, so they include every client's traffic.
 */
public enum EvaluationMetric {
  /**
   * Share of evaluation items whose answer matches after normalisation (case, whitespace, trailing
   * punctuation); an item whose request failed counts as wrong. Higher is better.
   */
  @JsonProperty("accuracy")
  ACCURACY,
  /** Share of evaluation items whose answer matches after trimming only. Higher is better. */
  @JsonProperty("exactMatch")
  EXACT_MATCH,
  /** Median latency of the evaluation's requests, to the last token, in ms. Lower is better. */
  @JsonProperty("latencyP50Ms")
  LATENCY_P50_MS,
  /** 95th percentile latency of the evaluation's requests in ms. Lower is better. */
  @JsonProperty("latencyP95Ms")
  LATENCY_P95_MS,
  /**
   * Share of the evaluation's requests that failed (no answer, or not HTTP 200). Lower is better.
   */
  @JsonProperty("errorRate")
  ERROR_RATE,
  /**
   * 95th percentile time to first streamed token of the evaluation's requests in ms. Lower is
   * better.
   */
  @JsonProperty("ttftP95Ms")
  TTFT_P95_MS,
  /**
   * Share of all requests the version's pods answered with a 5xx over the window. Lower is better.
   */
  @JsonProperty("liveErrorRate")
  LIVE_ERROR_RATE,
  /**
   * 95th percentile request latency of the version's pods over the window in ms. Lower is better.
   */
  @JsonProperty("liveLatencyP95Ms")
  LIVE_LATENCY_P95_MS,
  /**
   * 95th percentile time to first token of the version's pods over the window in ms. Lower is
   * better.
   */
  @JsonProperty("liveTtftP95Ms")
  LIVE_TTFT_P95_MS
}
