package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;

/** Which ModelVersion to serve, how, and how a new version rolls out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentSpec {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelVersion is required: the ModelVersion (format hf-safetensors) to serve. Changing it"
          + " starts a canary rollout of the new version.")
  private String modelVersion;

  @Min(0)
  @Max(1000)
  @SpecReplicas
  @JsonPropertyDescription(
      "replicas is optional: inference pods serving the stable version. Defaults to 1. The scale"
          + " subresource sets it (kubectl scale md, a HorizontalPodAutoscaler).")
  private Integer replicas;

  @JsonPropertyDescription("resources is optional: the GPUs, CPU and memory of each inference pod.")
  private ServingResources resources;

  @JsonPropertyDescription(
      "runtime is optional: overrides of the inference server. Absent means the operator's default"
          + " runtime image and settings.")
  private RuntimeSpec runtime;

  @Size(max = 64)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.name == a.name))",
      message = "adapter names must be unique")
  @JsonPropertyDescription(
      "adapters is optional: further ModelVersions (format peft-lora, trained on the served"
          + " model) loaded beside it; a request selects one by its name in the OpenAI model"
          + " field.")
  private List<AdapterReference> adapters;

  @JsonPropertyDescription(
      "rollout is optional: how a change of modelVersion reaches traffic. Absent means the new"
          + " version replaces the old one at once, without evaluation.")
  private RolloutSpec rollout;

  @JsonPropertyDescription(
      "paused is optional: when true, a rollout in progress holds at its current step. Defaults"
          + " to false.")
  private Boolean paused;

  public String getModelVersion() {
    return modelVersion;
  }

  public void setModelVersion(String modelVersion) {
    this.modelVersion = modelVersion;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ServingResources getResources() {
    return resources;
  }

  public void setResources(ServingResources resources) {
    this.resources = resources;
  }

  public RuntimeSpec getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeSpec runtime) {
    this.runtime = runtime;
  }

  public List<AdapterReference> getAdapters() {
    return adapters;
  }

  public void setAdapters(List<AdapterReference> adapters) {
    this.adapters = adapters;
  }

  public RolloutSpec getRollout() {
    return rollout;
  }

  public void setRollout(RolloutSpec rollout) {
    this.rollout = rollout;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }
}
