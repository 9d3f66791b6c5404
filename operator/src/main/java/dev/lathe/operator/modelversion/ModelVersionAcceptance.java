package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionSpec;
import dev.lathe.operator.checks.ModelVersionReferenceCheck;
import dev.lathe.operator.checks.StorageLocationCheck;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import java.util.ArrayList;
import java.util.List;

/** Decides whether a ModelVersion's references resolve: its base and its import location. */
public class ModelVersionAcceptance {

  private final StorageLocationCheck storage;
  private final ModelVersionReferenceCheck models;

  public ModelVersionAcceptance(ReferenceLookup lookup) {
    this.storage = new StorageLocationCheck(lookup);
    this.models = new ModelVersionReferenceCheck(lookup);
  }

  public Acceptance decide(ModelVersion version) {
    String namespace = version.getMetadata().getNamespace();
    ModelVersionSpec spec = version.getSpec();
    List<Problem> problems = new ArrayList<>();
    if (spec.getBase() != null) {
      if (spec.getBase().equals(version.getMetadata().getName())) {
        problems.add(Problem.inSpec("spec.base: a ModelVersion cannot be its own base"));
      } else {
        problems.addAll(models.fullModel(namespace, "spec.base", spec.getBase()));
      }
    }
    if (spec.getSource() != null) {
      problems.addAll(
          storage.check(namespace, "spec.source.storage", spec.getSource().getStorage()));
    }
    return new Acceptance(problems);
  }
}
