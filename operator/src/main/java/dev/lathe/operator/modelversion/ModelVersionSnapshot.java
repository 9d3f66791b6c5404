package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.status.Acceptance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Everything a ModelVersion decision needs, observed once before deciding.
 *
 * @param version the ModelVersion with the status this operator last wrote; status never null
 * @param acceptance the verdict on its spec
 * @param verifyJob its verification Job, when the informer has it
 * @param verifyPods that Job's pods (their termination messages carry the Job's report)
 * @param signature the signature check, made only while verification is not settled
 */
public record ModelVersionSnapshot(
    ModelVersion version,
    Acceptance acceptance,
    Optional<Job> verifyJob,
    List<Pod> verifyPods,
    Optional<SignatureCheck> signature) {

  public ModelVersionSnapshot {
    verifyPods = List.copyOf(verifyPods);
  }
}
