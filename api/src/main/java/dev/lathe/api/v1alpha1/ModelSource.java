package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * Where a ModelVersion's artifact lives and, for a trained version, which FineTuneJob made it. The
 * location is in the spec (not only in status) because a version outlives its job: whoever reads
 * the ModelVersion alone must be able to find and verify the files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSource {

  @JsonPropertyDescription(
      "fineTuneJob is optional: the job that trained this version. The operator sets it when it"
          + " publishes; it is absent on imported versions.")
  private FineTuneJobReference fineTuneJob;

  @Required
  @JsonPropertyDescription(
      "storage is required: the directory holding the model files and Lathe's signed manifest"
          + " (model.sig). For a trained version the operator sets it to the job's immutable"
          + " output prefix; for an import, point it at an existing artifact. Unsigned artifacts"
          + " stay Verified=False.")
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
