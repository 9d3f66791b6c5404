package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A LoRA adapter served on the deployment's base model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AdapterReference {

  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "name is required: the model name clients send in the OpenAI model field to use this"
          + " adapter.")
  private String name;

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelVersion is required: a ModelVersion of format peft-lora whose base is the served"
          + " model.")
  private String modelVersion;

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
}
