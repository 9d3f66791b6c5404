package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which model this is, where it came from, and its format. Immutable once created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "ModelVersion spec is immutable: publish a new ModelVersion instead")
@ValidationRule(
    value = "self.format == 'peft-lora' ? has(self.base) : !has(self.base)",
    message =
        "base is required for peft-lora adapters and must be absent for hf-safetensors models")
public class ModelVersionSpec {

  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelName is required: the logical model this is a version of, for example support-bot."
          + " ModelDeployments and lineage queries group versions by it.")
  private String modelName;

  @Required
  @JsonPropertyDescription(
      "source is required: the FineTuneJob that produced this version, or the storage location it"
          + " was imported from.")
  private ModelSource source;

  @Required
  @JsonPropertyDescription(
      "format is required: hf-safetensors is a complete Hugging Face-layout model; peft-lora is a"
          + " PEFT LoRA adapter that needs its base.")
  private ModelFormat format;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "base names the ModelVersion (format hf-safetensors) this adapter was trained on. Required"
          + " for peft-lora, absent otherwise.")
  private String base;

  @Size(max = 1024)
  @JsonPropertyDescription("description is optional: free text for people browsing versions.")
  private String description;

  public String getModelName() {
    return modelName;
  }

  public void setModelName(String modelName) {
    this.modelName = modelName;
  }

  public ModelSource getSource() {
    return source;
  }

  public void setSource(ModelSource source) {
    this.source = source;
  }

  public ModelFormat getFormat() {
    return format;
  }

  public void setFormat(ModelFormat format) {
    this.format = format;
  }

  public String getBase() {
    return base;
  }

  public void setBase(String base) {
    this.base = base;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }
}
