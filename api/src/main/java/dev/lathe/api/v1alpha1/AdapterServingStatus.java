package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far one adapter of a ModelDeployment reached its pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AdapterServingStatus {

  @JsonPropertyDescription("name is the adapter's name in the OpenAI model field.")
  private String name;

  @JsonPropertyDescription(
      "modelVersion is the adapter's ModelVersion that answers requests for its name: the one"
          + " spec.adapters names, or during an adapter rollout (status.canaryAdapter) the stable"
          + " one, which it stays after a rollback.")
  private String modelVersion;

  @JsonPropertyDescription(
      "manifestDigest is the verified digest the pods are told to serve, absent until the"
          + " adapter's ModelVersion is verified.")
  private String manifestDigest;

  @JsonPropertyDescription("readyReplicas is how many ready pods serve the adapter.")
  private Integer readyReplicas;

  @JsonPropertyDescription("ready is readyReplicas/replicas, as kubectl shows a Deployment's.")
  private String ready;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getModelVersion() {
    return modelVersion;
  }

  public void setModelVersion(String modelVersion) {
    this.modelVersion = modelVersion;
  }

  public String getManifestDigest() {
    return manifestDigest;
  }

  public void setManifestDigest(String manifestDigest) {
    this.manifestDigest = manifestDigest;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }
}
