package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One threshold's figures in an analysis run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricResult {

  @JsonPropertyDescription("metric is the figure measured.")
  private EvaluationMetric metric;

  @JsonPropertyDescription("canary is the canary's figure.")
  private Double canary;

  @JsonPropertyDescription("stable is the stable version's figure.")
  private Double stable;

  @JsonPropertyDescription("passed says whether the threshold held.")
  private Boolean passed;

  public EvaluationMetric getMetric() {
    return metric;
  }

  public void setMetric(EvaluationMetric metric) {
    this.metric = metric;
  }

  public Double getCanary() {
    return canary;
  }

  public void setCanary(Double canary) {
    this.canary = canary;
  }

  public Double getStable() {
    return stable;
  }

  public void setStable(Double stable) {
    this.stable = stable;
  }

  public Boolean getPassed() {
    return passed;
  }

  public void setPassed(Boolean passed) {
    this.passed = passed;
  }
}
