package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Why a rollout ended without promotion. While spec.modelVersion names the same candidate the
 * deployment stays Degraded, until the spec names another version (no spec write, no GitOps drift),
 * as Argo Rollouts does; afterwards it records the last such end.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutAbort {

  @JsonPropertyDescription("version is the ModelVersion whose rollout ended.")
  private String version;

  @JsonPropertyDescription(
      "adapter is the adapter whose rollout ended, when an adapter's ModelVersion was rolled out"
          + " on the serving pods; absent for a rollout of spec.modelVersion.")
  private String adapter;

  @JsonPropertyDescription("digest is that candidate's verified manifest digest.")
  private String digest;

  @JsonPropertyDescription(
      "reason is GateFailed, GateErrored, CandidateUnhealthy or RolloutAborted (see the"
          + " ModelDeployment conditions).")
  private String reason;

  @JsonPropertyDescription("message carries the evidence: the failing figures, or who aborted.")
  private String message;

  @JsonPropertyDescription(
      "step is the index of the rollout step at which it ended, from 0; absent before the first.")
  private Integer step;

  @JsonPropertyDescription(
      "time is when it ended (RFC 3339); the candidate's pods are removed scaleDownDelay later.")
  private String time;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getAdapter() {
    return adapter;
  }

  public void setAdapter(String adapter) {
    this.adapter = adapter;
  }
}
