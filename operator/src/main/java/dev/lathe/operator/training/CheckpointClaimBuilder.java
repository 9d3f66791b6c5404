package dev.lathe.operator.training;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Optional;

/**
 * The claim a FineTuneJob's checkpoints live on. It belongs to the FineTuneJob, not to the batch
 * Job or a pod, so a preempted pod, a retry and a later attempt all resume from the same steps; it
 * goes when the FineTuneJob is deleted.
 */
public final class CheckpointClaimBuilder {

  private CheckpointClaimBuilder() {}

  public static PersistentVolumeClaim build(
      FineTuneJob ftj, String size, Optional<String> storageClass) {
    int nodes = Optional.ofNullable(ftj.getSpec().getResources()).map(r -> r.getNodes()).orElse(1);
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(TrainingNames.checkpointClaim(ftj))
        .withNamespace(ftj.getMetadata().getNamespace())
        .withLabels(TrainingNames.labels(ftj, 0))
        .withOwnerReferences(ControllerReference.to(ftj))
        .endMetadata()
        .withNewSpec()
        // Pods of a multi-node job sit on different nodes and all write their shard's state.
        .withAccessModes(nodes > 1 ? "ReadWriteMany" : "ReadWriteOnce")
        .withStorageClassName(storageClass.orElse(null))
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }
}
