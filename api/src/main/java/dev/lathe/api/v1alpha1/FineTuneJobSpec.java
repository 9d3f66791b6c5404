package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What to train, on what, how, and where the result goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.hyperparameters) == has(oldSelf.hyperparameters)"
            + " && has(self.resources) == has(oldSelf.resources)"
            + " && has(self.trainer) == has(oldSelf.trainer)"
            + " && has(self.output) == has(oldSelf.output)"
            + " && has(self.backoffLimit) == has(oldSelf.backoffLimit)"
            + " && has(self.activeDeadlineSeconds) == has(oldSelf.activeDeadlineSeconds)",
    message =
        "only suspend and queueName may change after creation: create a new FineTuneJob to train"
            + " with other settings")
public class FineTuneJobSpec {

  private static final String IMMUTABLE = "self == oldSelf";

  @Required
  @ValidationRule(value = IMMUTABLE, message = "baseModel is immutable after creation")
  @JsonPropertyDescription(
      "baseModel is required: the model to fine-tune, a ModelVersion in this namespace or a"
          + " Hugging Face-layout model directory in storage.")
  private BaseModelReference baseModel;

  @Required
  @ValidationRule(value = IMMUTABLE, message = "dataset is immutable after creation")
  @JsonPropertyDescription("dataset is required: the training data and how it is laid out.")
  private Dataset dataset;

  @Required
  @ValidationRule(value = IMMUTABLE, message = "method is immutable after creation")
  @JsonPropertyDescription(
      "method is required: how the weights are trained (LoRA, QLoRA or full fine-tuning).")
  private FineTuneMethod method;

  @ValidationRule(value = IMMUTABLE, message = "hyperparameters are immutable after creation")
  @JsonPropertyDescription(
      "hyperparameters is optional: the optimisation settings. Every absent field takes the"
          + " trainer's documented default.")
  private Hyperparameters hyperparameters;

  @ValidationRule(value = IMMUTABLE, message = "resources are immutable after creation")
  @JsonPropertyDescription(
      "resources is optional: the GPUs, nodes, CPU and memory for training. Absent means one node"
          + " without GPUs, which suits only tiny models.")
  private TrainingResources resources;

  @ValidationRule(value = IMMUTABLE, message = "trainer is immutable after creation")
  @JsonPropertyDescription(
      "trainer is optional: overrides of the trainer container. Absent means the operator's"
          + " default trainer image.")
  private TrainerSpec trainer;

  @ValidationRule(value = IMMUTABLE, message = "output is immutable after creation")
  @JsonPropertyDescription(
      "output is optional: where the trained artifact is stored and what the resulting"
          + " ModelVersion is called.")
  private OutputSpec output;

  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "queueName is optional: the Kueue LocalQueue that admits this job. When set, Kueue decides"
          + " when the job runs; when absent, Lathe admits it against the namespace's GPU"
          + " ResourceQuota.")
  private String queueName;

  @JsonPropertyDescription(
      "suspend is optional: when true, no training pods run (running ones are stopped and resume"
          + " from their last checkpoint when suspend is set back to false). Defaults to false.")
  private Boolean suspend;

  @Min(0)
  @Max(100)
  @ValidationRule(value = IMMUTABLE, message = "backoffLimit is immutable after creation")
  @JsonPropertyDescription(
      "backoffLimit is optional: how many times a failed training pod is retried (resuming from"
          + " its last checkpoint) before the job fails. Defaults to 3.")
  private Integer backoffLimit;

  @Min(1)
  @ValidationRule(value = IMMUTABLE, message = "activeDeadlineSeconds is immutable after creation")
  @JsonPropertyDescription(
      "activeDeadlineSeconds is optional: the longest the training may run, in seconds, before it"
          + " is stopped and the job fails. Absent means no limit.")
  private Long activeDeadlineSeconds;

  public BaseModelReference getBaseModel() {
    return baseModel;
  }

  public void setBaseModel(BaseModelReference baseModel) {
    this.baseModel = baseModel;
  }

  public Dataset getDataset() {
    return dataset;
  }

  public void setDataset(Dataset dataset) {
    this.dataset = dataset;
  }

  public FineTuneMethod getMethod() {
    return method;
  }

  public void setMethod(FineTuneMethod method) {
    this.method = method;
  }

  public Hyperparameters getHyperparameters() {
    return hyperparameters;
  }

  public void setHyperparameters(Hyperparameters hyperparameters) {
    this.hyperparameters = hyperparameters;
  }

  public TrainingResources getResources() {
    return resources;
  }

  public void setResources(TrainingResources resources) {
    this.resources = resources;
  }

  public TrainerSpec getTrainer() {
    return trainer;
  }

  public void setTrainer(TrainerSpec trainer) {
    this.trainer = trainer;
  }

  public OutputSpec getOutput() {
    return output;
  }

  public void setOutput(OutputSpec output) {
    this.output = output;
  }

  public String getQueueName() {
    return queueName;
  }

  public void setQueueName(String queueName) {
    this.queueName = queueName;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }
}
