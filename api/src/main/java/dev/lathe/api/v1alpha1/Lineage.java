package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What went into a ModelVersion, copied from its signed provenance for quick reading. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Lineage {

  @JsonPropertyDescription(
      "parents are the manifest digests of the artifacts this one was built from (the base model),"
          + " so a chain can be walked back to the original weights.")
  private List<String> parents;

  @JsonPropertyDescription("baseModelDigest is the manifest digest of the base model.")
  private String baseModelDigest;

  @JsonPropertyDescription("datasetDigest is the sha256 digest of the training data.")
  private String datasetDigest;

  @JsonPropertyDescription("method is the fine-tuning method as it was run.")
  private FineTuneMethod method;

  @JsonPropertyDescription("hyperparameters are the settings as they were run, defaults resolved.")
  private Hyperparameters hyperparameters;

  @JsonPropertyDescription("trainerImage is the trainer image, by digest.")
  private String trainerImage;

  @JsonPropertyDescription("fineTuneJobUid is the metadata.uid of the producing FineTuneJob.")
  private String fineTuneJobUid;

  @JsonPropertyDescription("fineTuneJobName is the name of the producing FineTuneJob.")
  private String fineTuneJobName;

  public List<String> getParents() {
    return parents;
  }

  public void setParents(List<String> parents) {
    this.parents = parents;
  }

  public String getBaseModelDigest() {
    return baseModelDigest;
  }

  public void setBaseModelDigest(String baseModelDigest) {
    this.baseModelDigest = baseModelDigest;
  }

  public String getDatasetDigest() {
    return datasetDigest;
  }

  public void setDatasetDigest(String datasetDigest) {
    this.datasetDigest = datasetDigest;
  }

  public FineTuneMethod getMethod() {
    return method;
  }

  public void setMethod(FineTuneMethod method) {
    this.method = method;
  }

  public Hyperparameters getHyperparameters() {
    return hyperparameters;
  }

  public void setHyperparameters(Hyperparameters hyperparameters) {
    this.hyperparameters = hyperparameters;
  }

  public String getTrainerImage() {
    return trainerImage;
  }

  public void setTrainerImage(String trainerImage) {
    this.trainerImage = trainerImage;
  }

  public String getFineTuneJobUid() {
    return fineTuneJobUid;
  }

  public void setFineTuneJobUid(String fineTuneJobUid) {
    this.fineTuneJobUid = fineTuneJobUid;
  }

  public String getFineTuneJobName() {
    return fineTuneJobName;
  }

  public void setFineTuneJobName(String fineTuneJobName) {
    this.fineTuneJobName = fineTuneJobName;
  }
}
