package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The trainer's latest progress report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingProgress {

  @JsonPropertyDescription("step is the last optimizer step completed.")
  private Long step;

  @JsonPropertyDescription("totalSteps is the number of optimizer steps the run will take.")
  private Long totalSteps;

  @JsonPropertyDescription("percentComplete is step / totalSteps as a whole percentage.")
  private Integer percentComplete;

  @JsonPropertyDescription("epoch is the fractional epoch reached.")
  private Double epoch;

  @JsonPropertyDescription("loss is the latest training loss.")
  private Double loss;

  @JsonPropertyDescription("evalLoss is the latest evaluation loss, when an evaluation set exists.")
  private Double evalLoss;

  @JsonPropertyDescription("tokensPerSecond is the training throughput across all pods.")
  private Double tokensPerSecond;

  @JsonPropertyDescription(
      "estimatedCompletionTime is when training should finish at the current rate (RFC 3339).")
  private String estimatedCompletionTime;

  @JsonPropertyDescription("updateTime is when the trainer wrote this report (RFC 3339).")
  private String updateTime;

  public Long getStep() {
    return step;
  }

  public void setStep(Long step) {
    this.step = step;
  }

  public Long getTotalSteps() {
    return totalSteps;
  }

  public void setTotalSteps(Long totalSteps) {
    this.totalSteps = totalSteps;
  }

  public Integer getPercentComplete() {
    return percentComplete;
  }

  public void setPercentComplete(Integer percentComplete) {
    this.percentComplete = percentComplete;
  }

  public Double getEpoch() {
    return epoch;
  }

  public void setEpoch(Double epoch) {
    this.epoch = epoch;
  }

  public Double getLoss() {
    return loss;
  }

  public void setLoss(Double loss) {
    this.loss = loss;
  }

  public Double getEvalLoss() {
    return evalLoss;
  }

  public void setEvalLoss(Double evalLoss) {
    this.evalLoss = evalLoss;
  }

  public Double getTokensPerSecond() {
    return tokensPerSecond;
  }

  public void setTokensPerSecond(Double tokensPerSecond) {
    this.tokensPerSecond = tokensPerSecond;
  }

  public String getEstimatedCompletionTime() {
    return estimatedCompletionTime;
  }

  public void setEstimatedCompletionTime(String estimatedCompletionTime) {
    this.estimatedCompletionTime = estimatedCompletionTime;
  }

  public String getUpdateTime() {
    return updateTime;
  }

  public void setUpdateTime(String updateTime) {
    this.updateTime = updateTime;
  }
}
