package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobSpec;
import dev.lathe.api.v1alpha1.FineTuneMethodType;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.operator.checks.EnvironmentCheck;
import dev.lathe.operator.checks.ModelVersionReferenceCheck;
import dev.lathe.operator.checks.QuantityCheck;
import dev.lathe.operator.checks.StorageLocationCheck;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import dev.lathe.operator.status.StatusConditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides whether a FineTuneJob's spec can be trained: what its schema alone cannot tell. */
public class FineTuneJobAcceptance {

  /**
   * What the operator's own configuration offers a job.
   *
   * @param defaultStorage whether the operator has a default store for jobs that name none
   * @param readsClaims whether the operator can read pvc:// outputs to sign them
   */
  public record Capabilities(boolean defaultStorage, boolean readsClaims) {}

  private final ReferenceLookup lookup;
  private final StorageLocationCheck storage;
  private final ModelVersionReferenceCheck models;
  private final EnvironmentCheck environment;
  private final Capabilities capabilities;

  public FineTuneJobAcceptance(ReferenceLookup lookup, Capabilities capabilities) {
    this.lookup = lookup;
    this.capabilities = capabilities;
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
      baseModelProblems(namespace, spec).ifPresent(problems::add);
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
    outputProblems(spec).ifPresent(problems::add);
    multiNodeProblems(spec).ifPresent(problems::add);
    outputNameTaken(job).ifPresent(problems::add);
    return new Acceptance(problems);
  }

  /**
   * An adapter is published as a peft-lora ModelVersion naming its base, so its base must be a
   * ModelVersion; and training waits until that base is verified, rather than failing in its pod.
   */
  private Optional<Problem> baseModelProblems(String namespace, FineTuneJobSpec spec) {
    boolean adapter =
        spec.getMethod() != null && spec.getMethod().getType() != FineTuneMethodType.FULL;
    if (adapter && spec.getBaseModel().getStorage() != null) {
      return Optional.of(
          Problem.inSpec(
              "spec.baseModel.storage: a "
                  + spec.getMethod().getType().name().toLowerCase(java.util.Locale.ROOT)
                  + " adapter is published as a ModelVersion that names its base, so the base must"
                  + " be a ModelVersion: import it (a ModelVersion with spec.source.storage) and set"
                  + " spec.baseModel.modelVersion"));
    }
    String name = spec.getBaseModel().getModelVersion();
    if (name == null) {
      return Optional.empty();
    }
    return lookup
        .modelVersion(namespace, name)
        .filter(v -> v.getSpec() != null && v.getSpec().getFormat() == ModelFormat.HF_SAFETENSORS)
        .filter(v -> !StatusConditions.isTrue(v.getStatus(), ModelVersionStatus.VERIFIED))
        .map(
            v ->
                Problem.missing(
                    AcceptanceReasons.BASE_MODEL_NOT_VERIFIED,
                    "spec.baseModel.modelVersion: ModelVersion "
                        + name
                        + " is not verified yet"
                        + verificationNote(v)
                        + "; training starts once it is"));
  }

  private static String verificationNote(ModelVersion version) {
    return Optional.ofNullable(version.getStatus())
        .flatMap(s -> StatusConditions.find(s.getConditions(), ModelVersionStatus.VERIFIED))
        .map(c -> " (" + c.getReason() + ": " + c.getMessage() + ")")
        .orElse("");
  }

  private Optional<Problem> outputProblems(FineTuneJobSpec spec) {
    var output = spec.getOutput() == null ? null : spec.getOutput().getStorage();
    if (output == null && !capabilities.defaultStorage()) {
      return Optional.of(
          new Problem(
              AcceptanceReasons.NO_OUTPUT_STORAGE,
              "spec.output.storage: not set, and the operator has no default model store"
                  + " (LATHE_DEFAULT_STORAGE_URI): say where the model goes",
              false));
    }
    if (output != null && output.getUri().startsWith("pvc://") && !capabilities.readsClaims()) {
      return Optional.of(
          new Problem(
              AcceptanceReasons.OUTPUT_UNREACHABLE,
              "spec.output.storage: the operator signs what the trainer wrote and cannot read"
                  + " claims here (no LATHE_VOLUME_ROOT); use S3-compatible storage",
              false));
    }
    return Optional.empty();
  }

  /** Lathe's own trainer trains on one node (DESIGN.md §4); more need a torchrun trainer image. */
  private static Optional<Problem> multiNodeProblems(FineTuneJobSpec spec) {
    boolean multiNode =
        spec.getResources() != null
            && spec.getResources().getNodes() != null
            && spec.getResources().getNodes() > 1;
    boolean customImage = spec.getTrainer() != null && spec.getTrainer().getImage() != null;
    if (multiNode && !customImage) {
      return Optional.of(
          Problem.inSpec(
              "spec.resources.nodes: Lathe's default trainer trains on one node; for "
                  + spec.getResources().getNodes()
                  + " nodes set spec.trainer.image to a trainer that follows the trainer contract"
                  + " with torchrun"));
    }
    return Optional.empty();
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
              AcceptanceReasons.OUTPUT_NAME_TAKEN,
              "spec.output.modelVersionName: ModelVersion "
                  + name
                  + " already exists and was not produced by this job; choose another name",
              false));
    }
    return Optional.empty();
  }
}
