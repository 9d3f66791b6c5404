package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a FineTuneJob. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FineTuneJobStatus implements ConditionedStatus {

  /** Condition type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = "Accepted";

  /** Condition type: the job waits for GPU quota or for Kueue admission. */
  public static final String QUEUED = "Queued";

  /** Condition type: training pods are running. */
  public static final String RUNNING = "Running";

  /** Condition type: training finished and the ModelVersion was published (terminal). */
  public static final String SUCCEEDED = "Succeeded";

  /** Condition type: the job failed for good (terminal). */
  public static final String FAILED = "Failed";

  @JsonPropertyDescription(
      "observedGeneration is the metadata.generation of the spec the conditions describe.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "conditions are Accepted, Queued, Running, Succeeded and Failed, each with a reason and a"
          + " message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("progress is the trainer's latest report while training runs.")
  private TrainingProgress progress;

  @JsonPropertyDescription("startTime is when the first training pod started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("completionTime is when the job succeeded or failed (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("attempts counts the training attempts started so far.")
  private Integer attempts;

  @JsonPropertyDescription("jobName is the batch/v1 Job running the current attempt.")
  private String jobName;

  @JsonPropertyDescription("modelVersion is the name of the ModelVersion this job published.")
  private String modelVersion;

  @Override
  public Long getObservedGeneration() {
    return observedGeneration;
  }

  @Override
  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public TrainingProgress getProgress() {
    return progress;
  }

  public void setProgress(TrainingProgress progress) {
    this.progress = progress;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  public String getModelVersion() {
    return modelVersion;
  }

  public void setModelVersion(String modelVersion) {
    this.modelVersion = modelVersion;
  }
}
