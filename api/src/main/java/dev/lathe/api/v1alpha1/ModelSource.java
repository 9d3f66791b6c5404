package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a ModelVersion came from: exactly one of a FineTuneJob or an import location. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.fineTuneJob) != has(self.storage)",
    message = "set exactly one of fineTuneJob or storage")
public class ModelSource {

  @JsonPropertyDescription(
      "fineTuneJob is the job that trained this version; the operator sets it when it publishes."
          + " Exactly one of fineTuneJob or storage is required.")
  private FineTuneJobReference fineTuneJob;

  @JsonPropertyDescription(
      "storage imports an existing artifact: the directory holding the model files and Lathe's"
          + " signed manifest. Unsigned imports stay Verified=False. Exactly one of fineTuneJob or"
          + " storage is required.")
  private StorageLocation storage;

  public FineTuneJobReference getFineTuneJob() {
    return fineTuneJob;
  }

  public void setFineTuneJob(FineTuneJobReference fineTuneJob) {
    this.fineTuneJob = fineTuneJob;
  }

  public StorageLocation getStorage() {
    return storage;
  }

  public void setStorage(StorageLocation storage) {
    this.storage = storage;
  }
}
