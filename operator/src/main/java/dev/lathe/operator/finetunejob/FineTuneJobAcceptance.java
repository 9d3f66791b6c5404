package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobSpec;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.checks.EnvironmentCheck;
import dev.lathe.operator.checks.ModelVersionReferenceCheck;
import dev.lathe.operator.checks.QuantityCheck;
import dev.lathe.operator.checks.StorageLocationCheck;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides whether a FineTuneJob's spec can be trained: what its schema alone cannot tell. */
public class FineTuneJobAcceptance {

  public static final String OUTPUT_NAME_TAKEN = "OutputNameTaken";

  private final ReferenceLookup lookup;
  private final StorageLocationCheck storage;
  private final ModelVersionReferenceCheck models;
  private final EnvironmentCheck environment;

  public FineTuneJobAcceptance(ReferenceLookup lookup) {
    this.lookup = lookup;
    this.storage = new StorageLocationCheck(lookup);
    this.models = new ModelVersionReferenceCheck(lookup);
    this.environment = new EnvironmentCheck(lookup);
  }

  public Acceptance decide(FineTuneJob job) {
    String namespace = job.getMetadata().getNamespace();
    FineTuneJobSpec spec = job.getSpec();
    List<Problem> problems = new ArrayList<>();

    if (spec.getBaseModel() != null) {
      problems.addAll(
          models.fullModel(
              namespace, "spec.baseModel.modelVersion", spec.getBaseModel().getModelVersion()));
      problems.addAll(
          storage.check(namespace, "spec.baseModel.storage", spec.getBaseModel().getStorage()));
    }
    if (spec.getDataset() != null) {
      problems.addAll(
          storage.check(namespace, "spec.dataset.storage", spec.getDataset().getStorage()));
      if (spec.getDataset().getEvaluation() != null) {
        problems.addAll(
            storage.check(
                namespace,
                "spec.dataset.evaluation.storage",
                spec.getDataset().getEvaluation().getStorage()));
      }
    }
    if (spec.getResources() != null) {
      problems.addAll(QuantityCheck.positive("spec.resources.cpu", spec.getResources().getCpu()));
      problems.addAll(
          QuantityCheck.positive("spec.resources.memory", spec.getResources().getMemory()));
    }
    if (spec.getTrainer() != null) {
      problems.addAll(environment.check(namespace, "spec.trainer.env", spec.getTrainer().getEnv()));
    }
    if (spec.getOutput() != null) {
      problems.addAll(
          storage.check(namespace, "spec.output.storage", spec.getOutput().getStorage()));
    }
    outputNameTaken(job).ifPresent(problems::add);
    return new Acceptance(problems);
  }

  /** The name of the ModelVersion this job publishes on success. */
  public static String outputModelVersionName(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getOutput())
        .map(o -> o.getModelVersionName())
        .orElse(job.getMetadata().getName());
  }

  /**
   * ModelVersions are immutable, so a job whose output name already belongs to another version
   * could never publish: say so before hours of GPU time are spent.
   */
  private Optional<Problem> outputNameTaken(FineTuneJob job) {
    String name = outputModelVersionName(job);
    Optional<ModelVersion> existing = lookup.modelVersion(job.getMetadata().getNamespace(), name);
    boolean ours =
        existing
            .map(ModelVersion::getSpec)
            .map(s -> s.getSource() == null ? null : s.getSource().getFineTuneJob())
            .map(
                ref ->
                    job.getMetadata().getUid() != null
                        && job.getMetadata().getUid().equals(ref.getUid()))
            .orElse(false);
    if (existing.isPresent() && !ours) {
      return Optional.of(
          new Problem(
              OUTPUT_NAME_TAKEN,
              "spec.output.modelVersionName: ModelVersion "
                  + name
                  + " already exists and was not produced by this job; choose another name",
              false));
    }
    return Optional.empty();
  }
}
