package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A bound on one evaluation metric of the canary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.min) || has(self.max) || has(self.maxRegression)",
    message = "set at least one of min, max or maxRegression")
@ValidationRule(
    value = "!has(self.min) || !has(self.max) || self.min <= self.max",
    message = "min must not exceed max")
public class MetricThreshold {

  @Required
  @JsonPropertyDescription(
      "metric is required: accuracy and exactMatch are fractions in [0, 1], higher is better;"
          + " errorRate and liveErrorRate are fractions, lower is better; latencyP50Ms,"
          + " latencyP95Ms, ttftP95Ms, liveLatencyP95Ms and liveTtftP95Ms are milliseconds,"
          + " lower is better.")
  private EvaluationMetric metric;

  @JsonPropertyDescription(
      "min is optional: the canary's figure must be at least this (its measured value, once it"
          + " has minSamples samples).")
  private Double min;

  @JsonPropertyDescription(
      "max is optional: the canary's figure must be at most this (its measured value, once it has"
          + " minSamples samples).")
  private Double max;

  @Min(0)
  @JsonPropertyDescription(
      "maxRegression is optional: how much worse than stable the canary may be. For the fractions"
          + " (accuracy, exactMatch, errorRate, liveErrorRate) it is an absolute difference: 0.02"
          + " allows the canary 2 percentage points less accuracy (or more errors) than stable,"
          + " which stays meaningful when stable's figure is 0. For accuracy, exactMatch and"
          + " errorRate, scored on the same items for both versions, the gate computes the 95%"
          + " interval of candidate minus stable from the paired outcomes (Newcombe's hybrid"
          + " score interval) and fails only when the whole interval is beyond the tolerance,"
          + " passes only when the whole interval is within it, and is Inconclusive otherwise, so"
          + " a small set neither passes nor fails on noise (0 can therefore never pass: use a"
          + " small positive tolerance). For the latencies it is relative: the canary may be at"
          + " most (1 + maxRegression) times stable's figure (0.2 allows 20% slower); a stable"
          + " figure of 0 or less leaves it Inconclusive.")
  private Double maxRegression;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "minSamples is optional: fewer samples than this (evaluation items, or requests for the"
          + " live metrics and latencies) make this threshold Inconclusive. Absent means the"
          + " gate's minSamples.")
  private Integer minSamples;

  public EvaluationMetric getMetric() {
    return metric;
  }

  public void setMetric(EvaluationMetric metric) {
    this.metric = metric;
  }

  public Double getMin() {
    return min;
  }

  public void setMin(Double min) {
    this.min = min;
  }

  public Double getMax() {
    return max;
  }

  public void setMax(Double max) {
    this.max = max;
  }

  public Double getMaxRegression() {
    return maxRegression;
  }

  public void setMaxRegression(Double maxRegression) {
    this.maxRegression = maxRegression;
  }

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }
}
