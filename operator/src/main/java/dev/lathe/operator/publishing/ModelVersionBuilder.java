package dev.lathe.operator.publishing;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobReference;
import dev.lathe.api.v1alpha1.FineTuneMethodType;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelSource;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionSpec;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.finetunejob.FineTuneJobAcceptance;
import dev.lathe.operator.names.BoundedNames;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/**
 * The ModelVersion a successful FineTuneJob publishes. It has no owner reference — it outlives the
 * job, which may be deleted once the model is kept — and labels link it back.
 */
public final class ModelVersionBuilder {

  private ModelVersionBuilder() {}

  public static ModelVersion build(FineTuneJob job, StorageLocation artifact, String modelName) {
    ModelVersion version = new ModelVersion();
    version.setMetadata(
        new ObjectMetaBuilder()
            .withName(FineTuneJobAcceptance.outputModelVersionName(job))
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(
                Map.of(
                    TrainingNames.JOB_LABEL,
                    BoundedNames.shorten(job.getMetadata().getName()),
                    "lathe.dev/fine-tune-job-uid",
                    job.getMetadata().getUid(),
                    TrainingNames.MANAGED_BY,
                    TrainingNames.OPERATOR))
            .build());
    ModelVersionSpec spec = new ModelVersionSpec();
    spec.setModelName(modelName);
    ModelSource source = new ModelSource();
    FineTuneJobReference reference = new FineTuneJobReference();
    reference.setName(job.getMetadata().getName());
    reference.setUid(job.getMetadata().getUid());
    source.setFineTuneJob(reference);
    source.setStorage(artifact);
    spec.setSource(source);
    boolean adapter = job.getSpec().getMethod().getType() != FineTuneMethodType.FULL;
    spec.setFormat(adapter ? ModelFormat.PEFT_LORA : ModelFormat.HF_SAFETENSORS);
    if (adapter) {
      spec.setBase(job.getSpec().getBaseModel().getModelVersion());
    }
    spec.setDescription(
        "trained by FineTuneJob "
            + job.getMetadata().getNamespace()
            + "/"
            + job.getMetadata().getName());
    version.setSpec(spec);
    return version;
  }

  /** Whether {@code version} is the one {@code job} published (same uid), not a namesake. */
  public static boolean publishedBy(ModelVersion version, FineTuneJob job) {
    return version.getSpec() != null
        && version.getSpec().getSource() != null
        && version.getSpec().getSource().getFineTuneJob() != null
        && job.getMetadata()
            .getUid()
            .equals(version.getSpec().getSource().getFineTuneJob().getUid());
  }
}
