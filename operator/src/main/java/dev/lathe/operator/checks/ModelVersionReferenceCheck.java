package dev.lathe.operator.checks;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Problem;
import java.util.List;
import java.util.Optional;

/** Checks references to ModelVersions: that they exist and have the format the use needs. */
public final class ModelVersionReferenceCheck {

  private final ReferenceLookup lookup;

  public ModelVersionReferenceCheck(ReferenceLookup lookup) {
    this.lookup = lookup;
  }

  /** Problems with {@code name} as a complete model (hf-safetensors) to train on or serve. */
  public List<Problem> fullModel(String namespace, String field, String name) {
    if (name == null) {
      return List.of();
    }
    Optional<ModelVersion> found = lookup.modelVersion(namespace, name);
    if (found.isEmpty()) {
      return List.of(notFound(namespace, field, name));
    }
    if (formatOf(found.get()) != ModelFormat.HF_SAFETENSORS) {
      return List.of(
          new Problem(
              AcceptanceReasons.WRONG_MODEL_FORMAT,
              field
                  + ": ModelVersion "
                  + name
                  + " is a peft-lora adapter, not a complete model;"
                  + " use its base "
                  + found.get().getSpec().getBase()
                  + " instead",
              false));
    }
    return List.of();
  }

  /** Problems with {@code name} as a peft-lora adapter trained on {@code base}. */
  public List<Problem> adapterOf(String namespace, String field, String name, String base) {
    Optional<ModelVersion> found = lookup.modelVersion(namespace, name);
    if (found.isEmpty()) {
      return List.of(notFound(namespace, field, name));
    }
    if (formatOf(found.get()) != ModelFormat.PEFT_LORA) {
      return List.of(
          new Problem(
              AcceptanceReasons.WRONG_MODEL_FORMAT,
              field + ": ModelVersion " + name + " is a complete model, not a peft-lora adapter",
              false));
    }
    String adapterBase = found.get().getSpec().getBase();
    if (!adapterBase.equals(base)) {
      return List.of(
          new Problem(
              AcceptanceReasons.ADAPTER_BASE_MISMATCH,
              field + ": adapter " + name + " was trained on " + adapterBase + ", not on " + base,
              false));
    }
    return List.of();
  }

  private static ModelFormat formatOf(ModelVersion version) {
    return version.getSpec() == null ? null : version.getSpec().getFormat();
  }

  private static Problem notFound(String namespace, String field, String name) {
    return Problem.missing(
        AcceptanceReasons.MODEL_VERSION_NOT_FOUND,
        field + ": ModelVersion " + name + " not found in namespace " + namespace);
  }
}
