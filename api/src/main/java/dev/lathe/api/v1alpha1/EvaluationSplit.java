package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Held-out evaluation data: a fraction of the training set, or a file of its own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.fraction) != has(self.storage)",
    message = "set exactly one of fraction or storage")
public class EvaluationSplit {

  @Min(value = 0, inclusive = false)
  @Max(0.5)
  @JsonPropertyDescription(
      "fraction holds out this share of the training examples (0 < fraction <= 0.5), chosen with"
          + " the job's seed. Exactly one of fraction or storage is required.")
  private Double fraction;

  @JsonPropertyDescription(
      "storage is a separate JSONL file in the same format as the training data. Exactly one of"
          + " fraction or storage is required.")
  private StorageLocation storage;

  public Double getFraction() {
    return fraction;
  }

  public void setFraction(Double fraction) {
    this.fraction = fraction;
  }

  public StorageLocation getStorage() {
    return storage;
  }

  public void setStorage(StorageLocation storage) {
    this.storage = storage;
  }
}
