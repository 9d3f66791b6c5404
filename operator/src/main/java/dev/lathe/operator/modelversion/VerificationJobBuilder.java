package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.contract.TrainerEnvironment;
import dev.lathe.artifact.contract.VerifyPlan;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.names.BoundedNames;
import dev.lathe.operator.storage.PodStorage;
import dev.lathe.operator.training.TrainingNames;
import dev.lathe.operator.workloads.ControllerReference;
import dev.lathe.operator.workloads.RestrictedSecurity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Job that checks every file of a ModelVersion against its signed manifest (DESIGN.md §1: the
 * operator never hashes weights; a pod near the storage does). It runs the trainer image's verify
 * step with the namespace's trusted public keys, and answers in its termination message. Pure.
 */
public final class VerificationJobBuilder {

  public static final String CONTAINER = "verify";

  private VerificationJobBuilder() {}

  public static String name(ModelVersion version) {
    return BoundedNames.shorten(version.getMetadata().getName() + "-verify");
  }

  public static Job build(
      ModelVersion version, String image, String trustedKeys, String expectedDigest) {
    PodStorage storage = new PodStorage();
    StoreAddress address = storage.address(version.getSpec().getSource().getStorage(), false);
    VerifyPlan plan =
        new VerifyPlan(
            version.getMetadata().getNamespace(), address, Optional.ofNullable(expectedDigest));
    List<VolumeMount> mounts = new ArrayList<>(storage.mounts());
    mounts.add(
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
            .withName("tmp")
            .withMountPath("/tmp")
            .build());
    Map<String, String> labels =
        Map.of(
            TrainingNames.MODEL_VERSION_LABEL,
            BoundedNames.shorten(version.getMetadata().getName()),
            TrainingNames.MANAGED_BY,
            TrainingNames.OPERATOR,
            "app.kubernetes.io/name",
            "lathe-verifier");
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(version))
        .withNamespace(version.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(ControllerReference.to(version))
        .endMetadata()
        .withNewSpec()
        // A storage blip (exit 3) deserves a retry; a verdict (exit 1: tampered, unsigned,
        // untrusted) comes out the same every time, so it fails the Job at once.
        .withBackoffLimit(2)
        .withNewPodFailurePolicy()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER)
        .withOperator("In")
        .withValues(1)
        .endOnExitCodes()
        .endRule()
        .endPodFailurePolicy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withArgs("verify")
        .addNewEnv()
        .withName(TrainerEnvironment.VERIFY_PLAN)
        .withValue(plan.toJson())
        .endEnv()
        .addNewEnv()
        .withName(TrainerEnvironment.TRUSTED_KEYS)
        .withValue(trustedKeys)
        .endEnv()
        .addNewEnv()
        .withName(TrainerEnvironment.TERMINATION_LOG)
        .withValue("/dev/termination-log")
        .endEnv()
        .addNewEnv()
        .withName("HOME")
        .withValue("/tmp")
        .endEnv()
        .withVolumeMounts(mounts)
        .withSecurityContext(RestrictedSecurity.container())
        .endContainer()
        .withVolumes(storage.volumes())
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .withSecurityContext(RestrictedSecurity.pod())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
