package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How a canary is judged: an evaluation set scored on both versions, against thresholds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationGate {

  @Required
  @JsonPropertyDescription(
      "dataset is required: a JSONL evaluation set of {\"prompt\", \"completion\"} lines, or"
          + " {\"messages\": [...]} lines whose last (assistant) message is the expected reply."
          + " Its sha256 is recorded in the analysis run.")
  private StorageLocation dataset;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "maxSamples is optional: score at most this many examples, chosen in file order. Absent"
          + " means all.")
  private Integer maxSamples;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "minSamples is optional: a threshold with fewer samples than this is Inconclusive (and the"
          + " rollout pauses), so a tiny set cannot pass or fail a canary. A threshold's own"
          + " minSamples overrides it. Defaults to 20.")
  private Integer minSamples;

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "liveWindow is optional: the least time over which the live metrics are compared (the"
          + " serving pods' own metrics, or Prometheus' with prometheus set); the evaluation Job"
          + " waits until it has passed before its second scrape or its queries. Absent means"
          + " the evaluation's own duration.")
  private String liveWindow;

  @JsonPropertyDescription(
      "prometheus is optional: take the live figures (liveErrorRate, liveLatencyP95Ms,"
          + " liveTtftP95Ms and their sample counts) from this Prometheus, by query, instead of"
          + " the evaluation Job's two scrapes of each version's pods. Each threshold's result"
          + " records which source its figures came from and the exact queries. Not used for"
          + " an adapter rollout, whose two versions answer from the same pods.")
  private PrometheusSource prometheus;

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "timeout is optional: how long the evaluation Job may run before the gate is an Error."
          + " Defaults to 30m.")
  private String timeout;

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "thresholds is required: every one must hold for the canary to pass. A threshold may bound"
          + " the canary's figure absolutely, relative to stable's, or both.")
  private List<MetricThreshold> thresholds;

  public StorageLocation getDataset() {
    return dataset;
  }

  public void setDataset(StorageLocation dataset) {
    this.dataset = dataset;
  }

  public Integer getMaxSamples() {
    return maxSamples;
  }

  public void setMaxSamples(Integer maxSamples) {
    this.maxSamples = maxSamples;
  }

  public List<MetricThreshold> getThresholds() {
    return thresholds;
  }

  public void setThresholds(List<MetricThreshold> thresholds) {
    this.thresholds = thresholds;
  }

  public Integer getMinSamples() {
    return minSamples;
  }

  public void setMinSamples(Integer minSamples) {
    this.minSamples = minSamples;
  }

  public String getLiveWindow() {
    return liveWindow;
  }

  public void setLiveWindow(String liveWindow) {
    this.liveWindow = liveWindow;
  }

  public PrometheusSource getPrometheus() {
    return prometheus;
  }

  public void setPrometheus(PrometheusSource prometheus) {
    this.prometheus = prometheus;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
