package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where a FineTuneJob's result goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputSpec {

  @JsonPropertyDescription(
      "storage is optional: the prefix under which the artifact is written, at an immutable path"
          + " unique to the attempt. Absent means the operator's default model store.")
  private StorageLocation storage;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelVersionName is optional: the name of the ModelVersion created on success. Defaults to"
          + " the FineTuneJob's name.")
  private String modelVersionName;

  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "modelName is optional: the logical model the new version belongs to (ModelVersion"
          + " spec.modelName). Defaults to the FineTuneJob's name.")
  private String modelName;

  public StorageLocation getStorage() {
    return storage;
  }

  public void setStorage(StorageLocation storage) {
    this.storage = storage;
  }

  public String getModelVersionName() {
    return modelVersionName;
  }

  public void setModelVersionName(String modelVersionName) {
    this.modelVersionName = modelVersionName;
  }

  public String getModelName() {
    return modelName;
  }

  public void setModelName(String modelName) {
    this.modelName = modelName;
  }
}
