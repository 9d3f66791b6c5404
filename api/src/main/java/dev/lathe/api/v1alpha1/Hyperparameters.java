package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Optimisation settings. Absent fields take the trainer's documented defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.epochs) && has(self.maxSteps))",
    message = "set at most one of epochs or maxSteps")
public class Hyperparameters {

  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "epochs is optional: full passes over the training data. At most one of epochs or maxSteps;"
          + " when both are absent the trainer runs one epoch.")
  private Integer epochs;

  @Min(1)
  @Max(10000000)
  @JsonPropertyDescription(
      "maxSteps is optional: optimizer steps to run, whatever the epoch count. At most one of"
          + " epochs or maxSteps.")
  private Long maxSteps;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "learningRate is optional: the peak learning rate, 0 < learningRate <= 1. Defaults to 2e-4"
          + " for LoRA and QLoRA, 2e-5 for full fine-tuning.")
  private Double learningRate;

  @Min(1)
  @Max(4096)
  @JsonPropertyDescription(
      "batchSize is optional: sequences per device per micro-batch. Defaults to 4.")
  private Integer batchSize;

  @Min(1)
  @Max(1024)
  @JsonPropertyDescription(
      "gradientAccumulationSteps is optional: micro-batches summed before each optimizer step."
          + " Defaults to 1.")
  private Integer gradientAccumulationSteps;

  @Min(16)
  @Max(131072)
  @JsonPropertyDescription(
      "maxSequenceLength is optional: tokens per training sequence; longer examples are"
          + " truncated. Defaults to 2048.")
  private Integer maxSequenceLength;

  @Min(0)
  @Max(1000000)
  @JsonPropertyDescription(
      "warmupSteps is optional: steps over which the learning rate rises linearly from zero."
          + " Defaults to 0.")
  private Integer warmupSteps;

  @JsonPropertyDescription(
      "learningRateSchedule is optional: how the learning rate decays after warm-up. Defaults to"
          + " cosine.")
  private LearningRateSchedule learningRateSchedule;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("weightDecay is optional: AdamW weight decay. Defaults to 0.")
  private Double weightDecay;

  @Min(0)
  @Max(4294967295L)
  @JsonPropertyDescription(
      "seed is optional: the random seed for initialisation, shuffling and dropout, so a run can"
          + " be repeated. Defaults to 42.")
  private Long seed;

  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription(
      "checkpointEverySteps is optional: how often the trainer saves a checkpoint that a"
          + " preempted or retried pod resumes from. Defaults to 100.")
  private Integer checkpointEverySteps;

  public Integer getEpochs() {
    return epochs;
  }

  public void setEpochs(Integer epochs) {
    this.epochs = epochs;
  }

  public Long getMaxSteps() {
    return maxSteps;
  }

  public void setMaxSteps(Long maxSteps) {
    this.maxSteps = maxSteps;
  }

  public Double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(Double learningRate) {
    this.learningRate = learningRate;
  }

  public Integer getBatchSize() {
    return batchSize;
  }

  public void setBatchSize(Integer batchSize) {
    this.batchSize = batchSize;
  }

  public Integer getGradientAccumulationSteps() {
    return gradientAccumulationSteps;
  }

  public void setGradientAccumulationSteps(Integer gradientAccumulationSteps) {
    this.gradientAccumulationSteps = gradientAccumulationSteps;
  }

  public Integer getMaxSequenceLength() {
    return maxSequenceLength;
  }

  public void setMaxSequenceLength(Integer maxSequenceLength) {
    this.maxSequenceLength = maxSequenceLength;
  }

  public Integer getWarmupSteps() {
    return warmupSteps;
  }

  public void setWarmupSteps(Integer warmupSteps) {
    this.warmupSteps = warmupSteps;
  }

  public LearningRateSchedule getLearningRateSchedule() {
    return learningRateSchedule;
  }

  public void setLearningRateSchedule(LearningRateSchedule learningRateSchedule) {
    this.learningRateSchedule = learningRateSchedule;
  }

  public Double getWeightDecay() {
    return weightDecay;
  }

  public void setWeightDecay(Double weightDecay) {
    this.weightDecay = weightDecay;
  }

  public Long getSeed() {
    return seed;
  }

  public void setSeed(Long seed) {
    this.seed = seed;
  }

  public Integer getCheckpointEverySteps() {
    return checkpointEverySteps;
  }

  public void setCheckpointEverySteps(Integer checkpointEverySteps) {
    this.checkpointEverySteps = checkpointEverySteps;
  }
}
