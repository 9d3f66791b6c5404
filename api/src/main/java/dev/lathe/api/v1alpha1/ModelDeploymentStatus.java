package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a ModelDeployment. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentStatus implements ConditionedStatus {

  /** Condition type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = "Accepted";

  /** Condition type: enough verified pods serve the stable version. */
  public static final String AVAILABLE = "Available";

  /** Condition type: a rollout is under way. */
  public static final String PROGRESSING = "Progressing";

  /** Condition type: fewer pods serve than asked for, or the endpoint fails. */
  public static final String DEGRADED = "Degraded";

  /** Condition type: the last rollout failed its gate and traffic went back to stable. */
  public static final String ROLLED_BACK = "RolledBack";

  @JsonPropertyDescription(
      "observedGeneration is the metadata.generation of the spec the conditions describe.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "conditions are Accepted, Available, Progressing, Degraded and RolledBack, each with a"
          + " reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("stableVersion is the ModelVersion serving most traffic.")
  private String stableVersion;

  @JsonPropertyDescription("canaryVersion is the ModelVersion being rolled out, if any.")
  private String canaryVersion;

  @JsonPropertyDescription("currentStep is the index of the rollout step in progress, from 0.")
  private Integer currentStep;

  @JsonPropertyDescription("canaryWeight is the canary's current percentage of traffic.")
  private Integer canaryWeight;

  @JsonPropertyDescription("replicas is the number of inference pods, stable and canary.")
  private Integer replicas;

  @JsonPropertyDescription("readyReplicas is the number of verified, ready inference pods.")
  private Integer readyReplicas;

  @JsonPropertyDescription(
      "analysisRuns are the evaluation gates run for the current or last rollout, with figures.")
  private List<AnalysisRun> analysisRuns;

  @JsonPropertyDescription(
      "endpoint is the base URL of the OpenAI-compatible API inside the cluster.")
  private String endpoint;

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

  public String getStableVersion() {
    return stableVersion;
  }

  public void setStableVersion(String stableVersion) {
    this.stableVersion = stableVersion;
  }

  public String getCanaryVersion() {
    return canaryVersion;
  }

  public void setCanaryVersion(String canaryVersion) {
    this.canaryVersion = canaryVersion;
  }

  public Integer getCurrentStep() {
    return currentStep;
  }

  public void setCurrentStep(Integer currentStep) {
    this.currentStep = currentStep;
  }

  public Integer getCanaryWeight() {
    return canaryWeight;
  }

  public void setCanaryWeight(Integer canaryWeight) {
    this.canaryWeight = canaryWeight;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public List<AnalysisRun> getAnalysisRuns() {
    return analysisRuns;
  }

  public void setAnalysisRuns(List<AnalysisRun> analysisRuns) {
    this.analysisRuns = analysisRuns;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }
}
