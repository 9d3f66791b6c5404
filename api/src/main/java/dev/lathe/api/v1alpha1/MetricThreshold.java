package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
          + " latencyP50Ms and latencyP95Ms are milliseconds and errorRate a fraction, lower is"
          + " better.")
  private EvaluationMetric metric;

  @JsonPropertyDescription("min is optional: the canary's figure must be at least this.")
  private Double min;

  @JsonPropertyDescription("max is optional: the canary's figure must be at most this.")
  private Double max;

  @Min(0)
  @JsonPropertyDescription(
      "maxRegression is optional: how much worse than stable the canary may be, as a fraction of"
          + " stable's figure (0.02 allows 2% worse; 0 allows no regression).")
  private Double maxRegression;

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
}
