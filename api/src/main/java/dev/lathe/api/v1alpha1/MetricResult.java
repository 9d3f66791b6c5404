package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One threshold's figures in an analysis run: both versions' figures, how many samples they rest
 * on, the paired interval where there is one, the threshold as it was applied, and the verdict.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricResult {

  @JsonPropertyDescription("metric is the figure measured.")
  private EvaluationMetric metric;

  @JsonPropertyDescription("canary is the canary's figure.")
  private Double canary;

  @JsonPropertyDescription("stable is the stable version's figure.")
  private Double stable;

  @JsonPropertyDescription(
      "passed says whether the threshold held; false for Failed and for Inconclusive (see"
          + " verdict).")
  private Boolean passed;

  @JsonPropertyDescription(
      "source is where the figures came from: evaluation (the evaluation Job's own requests),"
          + " pods (the Job's scrapes of each version's pods' /metrics) or prometheus (queries"
          + " to spec.rollout.evaluation.prometheus).")
  private String source;

  @JsonPropertyDescription(
      "canaryQuery is the exact PromQL of the canary's figure, as run, when source is"
          + " prometheus.")
  private String canaryQuery;

  @JsonPropertyDescription(
      "stableQuery is the exact PromQL of the stable version's figure, as run, when source is"
          + " prometheus.")
  private String stableQuery;

  @JsonPropertyDescription("verdict is Passed, Failed, Inconclusive or Error.")
  private MetricVerdict verdict;

  @JsonPropertyDescription(
      "reason says in words why the verdict is what it is (the bound that held or broke, or what"
          + " was missing).")
  private String reason;

  @JsonPropertyDescription(
      "samples is how many samples the canary's figure rests on: evaluation items for the paired"
          + " metrics, requests for the latencies and live metrics.")
  private Integer samples;

  @JsonPropertyDescription("stableSamples is how many samples stable's figure rests on.")
  private Integer stableSamples;

  @JsonPropertyDescription(
      "difference is canary minus stable (for the paired metrics, the mean of the per-item"
          + " differences).")
  private Double difference;

  @JsonPropertyDescription(
      "intervalLower is the lower end of the 95% interval of canary minus stable, for the paired"
          + " metrics (accuracy, exactMatch, errorRate).")
  private Double intervalLower;

  @JsonPropertyDescription("intervalUpper is the upper end of that interval.")
  private Double intervalUpper;

  @JsonPropertyDescription("min is the threshold's min, as applied.")
  private Double min;

  @JsonPropertyDescription("max is the threshold's max, as applied.")
  private Double max;

  @JsonPropertyDescription("maxRegression is the threshold's maxRegression, as applied.")
  private Double maxRegression;

  @JsonPropertyDescription("minSamples is the sample count the threshold required.")
  private Integer minSamples;

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

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getCanaryQuery() {
    return canaryQuery;
  }

  public void setCanaryQuery(String canaryQuery) {
    this.canaryQuery = canaryQuery;
  }

  public String getStableQuery() {
    return stableQuery;
  }

  public void setStableQuery(String stableQuery) {
    this.stableQuery = stableQuery;
  }

  public MetricVerdict getVerdict() {
    return verdict;
  }

  public void setVerdict(MetricVerdict verdict) {
    this.verdict = verdict;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Integer getSamples() {
    return samples;
  }

  public void setSamples(Integer samples) {
    this.samples = samples;
  }

  public Integer getStableSamples() {
    return stableSamples;
  }

  public void setStableSamples(Integer stableSamples) {
    this.stableSamples = stableSamples;
  }

  public Double getDifference() {
    return difference;
  }

  public void setDifference(Double difference) {
    this.difference = difference;
  }

  public Double getIntervalLower() {
    return intervalLower;
  }

  public void setIntervalLower(Double intervalLower) {
    this.intervalLower = intervalLower;
  }

  public Double getIntervalUpper() {
    return intervalUpper;
  }

  public void setIntervalUpper(Double intervalUpper) {
    this.intervalUpper = intervalUpper;
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
