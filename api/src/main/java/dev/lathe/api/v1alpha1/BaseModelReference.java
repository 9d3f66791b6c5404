package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The model a FineTuneJob starts from: exactly one of a ModelVersion or a storage location. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.modelVersion) != has(self.storage)",
    message = "set exactly one of modelVersion or storage")
public class BaseModelReference {

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelVersion names a ModelVersion in this namespace whose signature the trainer verifies"
          + " before it loads the weights. Exactly one of modelVersion or storage is required.")
  private String modelVersion;

  @JsonPropertyDescription(
      "storage is a Hugging Face-layout model directory (config.json, tokenizer.json,"
          + " *.safetensors) in storage; it is hashed and its digest recorded in the lineage."
          + " Exactly one of modelVersion or storage is required.")
  private StorageLocation storage;

  public String getModelVersion() {
    return modelVersion;
  }

  public void setModelVersion(String modelVersion) {
    this.modelVersion = modelVersion;
  }

  public StorageLocation getStorage() {
    return storage;
  }

  public void setStorage(StorageLocation storage) {
    this.storage = storage;
  }
}
