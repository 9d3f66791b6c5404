package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One aspect of a resource's state, shaped like Kubernetes' metav1.Condition so that generic tools
 * (kubectl wait, Argo CD health checks) read it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

  /** Condition status: the aspect holds. */
  public static final String TRUE = "True";

  /** Condition status: the aspect does not hold. */
  public static final String FALSE = "False";

  /** Condition status: not known yet. */
  public static final String UNKNOWN = "Unknown";

  @Required
  @Size(max = 316)
  @Pattern(
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("type is the aspect this condition describes, in CamelCase.")
  private String type;

  @Required
  @Pattern("^(True|False|Unknown)$")
  @JsonPropertyDescription("status is True, False or Unknown.")
  private String status;

  @Min(0)
  @JsonPropertyDescription(
      "observedGeneration is the metadata.generation this condition was computed from.")
  private Long observedGeneration;

  @Required
  @JsonPropertyDescription("lastTransitionTime is when status last changed (RFC 3339).")
  private String lastTransitionTime;

  @Required
  @Size(min = 1, max = 1024)
  @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
  @JsonPropertyDescription("reason is a CamelCase word for the cause of the status.")
  private String reason;

  @Required
  @Size(max = 32768)
  @JsonPropertyDescription("message tells a person what happened and what to do about it.")
  private String message;

  public Condition() {}

  public Condition(String type, String status, String reason, String message) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
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
}
