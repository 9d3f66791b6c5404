package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One promotion: which version became stable, when, and what let it through. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutRecord {

  @JsonPropertyDescription("version is the ModelVersion promoted to stable.")
  private String version;

  @JsonPropertyDescription(
      "adapter is the adapter promoted, when an adapter's ModelVersion was rolled out on the"
          + " serving pods; absent for a promotion of spec.modelVersion.")
  private String adapter;

  @JsonPropertyDescription("digest is its verified manifest digest.")
  private String digest;

  @JsonPropertyDescription("previousVersion is the stable version it replaced.")
  private String previousVersion;

  @JsonPropertyDescription("promotedAt is when it became stable (RFC 3339).")
  private String promotedAt;

  @JsonPropertyDescription(
      "gate says what let it through: the steps whose evaluation gate passed, the steps a"
          + " person approved, or that no step was gated.")
  private String gate;

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

  public String getPreviousVersion() {
    return previousVersion;
  }

  public void setPreviousVersion(String previousVersion) {
    this.previousVersion = previousVersion;
  }

  public String getPromotedAt() {
    return promotedAt;
  }

  public void setPromotedAt(String promotedAt) {
    this.promotedAt = promotedAt;
  }

  public String getGate() {
    return gate;
  }

  public void setGate(String gate) {
    this.gate = gate;
  }

  public String getAdapter() {
    return adapter;
  }

  public void setAdapter(String adapter) {
    this.adapter = adapter;
  }
}
