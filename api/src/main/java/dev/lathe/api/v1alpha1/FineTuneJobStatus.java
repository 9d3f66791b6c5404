package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lathe.api.schema.ConditionsKeyedByType;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a FineTuneJob. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsKeyedByType.class, input = "")
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

  /** Condition type: the roll-up of the others, whose reason the STATUS printer column shows. */
  public static final String READY = "Ready";

  @JsonPropertyDescription(
      "observedGeneration is the metadata.generation of the spec the conditions describe.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "conditions are Accepted, Queued, Running, Succeeded, Failed and the roll-up Ready, each"
          + " with a reason and a message; one per type.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("progress is the trainer's latest report while training runs.")
  private TrainingProgress progress;

  @JsonPropertyDescription("startTime is when the first training pod started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("completionTime is when the job succeeded or failed (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription(
      "attempts counts the training Jobs the operator created for this job (the current one"
          + " included); it is 1 once training was admitted, as Lathe starts one attempt per job.")
  private Integer attempts;

  @JsonPropertyDescription(
      "quotaReservation is the GPU quota the operator reserved for this job when it admitted it;"
          + " it counts against the namespace's quota until the job succeeds, fails or is"
          + " suspended. Absent for jobs admitted by Kueue.")
  private QuotaReservation quotaReservation;

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

  public QuotaReservation getQuotaReservation() {
    return quotaReservation;
  }

  public void setQuotaReservation(QuotaReservation quotaReservation) {
    this.quotaReservation = quotaReservation;
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
