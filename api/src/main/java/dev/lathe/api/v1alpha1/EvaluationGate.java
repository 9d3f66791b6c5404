package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How a canary is judged: an evaluation set scored on both versions, against thresholds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationGate {

  @Required
  @JsonPropertyDescription(
      "dataset is required: a JSONL evaluation set of {\"prompt\", \"expected\"} lines (or chat"
          + " messages with an expected reply).")
  private StorageLocation dataset;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "maxSamples is optional: score at most this many examples, chosen in file order. Absent"
          + " means all.")
  private Integer maxSamples;

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
}
