package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lathe.api.schema.ConditionsKeyedByType;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a ModelDeployment. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsKeyedByType.class, input = "")
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
      "conditions are Accepted, Available, Progressing, Degraded, RolledBack and Ready (the"
          + " roll-up: Accepted, Available and not Degraded), each with a reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("stableVersion is the ModelVersion serving most traffic.")
  private String stableVersion;

  @JsonPropertyDescription("canaryVersion is the ModelVersion being rolled out, if any.")
  private String canaryVersion;

  @JsonPropertyDescription(
      "canaryAdapter names the adapter (spec.adapters[].name) whose ModelVersion is being rolled"
          + " out on the serving pods, with canaryVersion its candidate ModelVersion; absent while"
          + " spec.modelVersion itself rolls out or no rollout runs.")
  private String canaryAdapter;

  @JsonPropertyDescription(
      "currentStep is the index of the rollout step in progress, from 0; equal to the number of"
          + " steps while the candidate is being promoted.")
  private Integer currentStep;

  @JsonPropertyDescription(
      "canaryWeight is the canary's current percentage of traffic: with ServiceRatio routing, its"
          + " share of the ready pods behind the endpoint Service.")
  private Integer canaryWeight;

  @JsonPropertyDescription("canaryDigest is the verified manifest digest of canaryVersion.")
  private String canaryDigest;

  @JsonPropertyDescription(
      "stepStartTime is when the current rollout step began (RFC 3339): its progress deadline"
          + " counts from here.")
  private String stepStartTime;

  @JsonPropertyDescription(
      "pauseStartTime is when the current step's weight was reached (RFC 3339): its pause counts"
          + " from here, so a restarted operator keeps the clock.")
  private String pauseStartTime;

  @JsonPropertyDescription(
      "abort is the last rollout that ended without promotion (gate failed, candidate unhealthy,"
          + " aborted by a person), with its evidence. While spec.modelVersion names that candidate"
          + " (same digest) the deployment stays Degraded and RolledBack; once the spec names"
          + " another version it is only the record of the last one.")
  private RolloutAbort abort;

  @JsonPropertyDescription("history lists the promotions, oldest first (at most 10).")
  private List<RolloutRecord> history;

  @JsonPropertyDescription(
      "stableDigest is the verified manifest digest of stableVersion: what every response names"
          + " as its system_fingerprint.")
  private String stableDigest;

  @StatusReplicas
  @JsonPropertyDescription("replicas is the number of inference pods, stable and canary.")
  private Integer replicas;

  @JsonPropertyDescription("readyReplicas is the number of verified, ready inference pods.")
  private Integer readyReplicas;

  @JsonPropertyDescription("ready is readyReplicas/replicas, for the READY column.")
  private String ready;

  @LabelSelector
  @JsonPropertyDescription(
      "selector is the label selector of every inference pod, for the scale subresource (kubectl"
          + " scale, HorizontalPodAutoscaler).")
  private String selector;

  @JsonPropertyDescription("adapters says, per adapter in spec.adapters, how many pods serve it.")
  private List<AdapterServingStatus> adapters;

  @JsonPropertyDescription(
      "analysisRuns are the evaluation gates run for the current or last rollout, with figures.")
  private List<AnalysisRun> analysisRuns;

  @JsonPropertyDescription(
      "endpoint is the base URL of the OpenAI-compatible API: the endpoint Service's in-cluster"
          + " URL or, when the operator routes through a Gateway (LATHE_GATEWAY) and the Gateway"
          + " accepted the route (condition Routed=True), the gateway's URL"
          + " GATEWAY/NAMESPACE/NAME/v1.")
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

  public String getCanaryDigest() {
    return canaryDigest;
  }

  public void setCanaryDigest(String canaryDigest) {
    this.canaryDigest = canaryDigest;
  }

  public String getStepStartTime() {
    return stepStartTime;
  }

  public void setStepStartTime(String stepStartTime) {
    this.stepStartTime = stepStartTime;
  }

  public String getPauseStartTime() {
    return pauseStartTime;
  }

  public void setPauseStartTime(String pauseStartTime) {
    this.pauseStartTime = pauseStartTime;
  }

  public RolloutAbort getAbort() {
    return abort;
  }

  public void setAbort(RolloutAbort abort) {
    this.abort = abort;
  }

  public List<RolloutRecord> getHistory() {
    return history;
  }

  public void setHistory(List<RolloutRecord> history) {
    this.history = history;
  }

  public String getStableDigest() {
    return stableDigest;
  }

  public void setStableDigest(String stableDigest) {
    this.stableDigest = stableDigest;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<AdapterServingStatus> getAdapters() {
    return adapters;
  }

  public void setAdapters(List<AdapterServingStatus> adapters) {
    this.adapters = adapters;
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

  public String getCanaryAdapter() {
    return canaryAdapter;
  }

  public void setCanaryAdapter(String canaryAdapter) {
    this.canaryAdapter = canaryAdapter;
  }
}
