package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Training data: JSON lines in storage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Dataset {

  @Required
  @JsonPropertyDescription(
      "storage is required: the JSONL file (or a prefix of JSONL files) holding the training"
          + " examples.")
  private StorageLocation storage;

  @Required
  @JsonPropertyDescription(
      "format is required: chat-jsonl lines hold {\"messages\": [{\"role\", \"content\"}...]};"
          + " completion-jsonl lines hold {\"prompt\", \"completion\"}.")
  private DatasetFormat format;

  @JsonPropertyDescription(
      "evaluation is optional: held-out data that gives the evaluation loss. Absent means no"
          + " evaluation during training.")
  private EvaluationSplit evaluation;

  public StorageLocation getStorage() {
    return storage;
  }

  public void setStorage(StorageLocation storage) {
    this.storage = storage;
  }

  public DatasetFormat getFormat() {
    return format;
  }

  public void setFormat(DatasetFormat format) {
    this.format = format;
  }

  public EvaluationSplit getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(EvaluationSplit evaluation) {
    this.evaluation = evaluation;
  }
}
