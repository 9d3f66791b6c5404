package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.OwnWrites;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Observes a ModelVersion: its verification Job and that Job's pods from the informer caches, the
 * status this operator last wrote, and — only while verification is not settled — the signature
 * check against the storage.
 */
public class ModelVersionObserver {

  static final String VERIFY_JOBS = "verify-jobs";
  static final String VERIFY_PODS = "verify-pods";

  private final ModelVersionAcceptance acceptance;
  private final SignatureReader signatures;
  private final OwnWrites writes;

  public ModelVersionObserver(
      ModelVersionAcceptance acceptance, SignatureReader signatures, OwnWrites writes) {
    this.acceptance = acceptance;
    this.signatures = signatures;
    this.writes = writes;
  }

  public ModelVersionSnapshot observe(ModelVersion cached, Context<ModelVersion> context) {
    ModelVersion version = writes.freshest(cached);
    if (version.getStatus() == null) {
      version.setStatus(new ModelVersionStatus());
    }
    String jobName = VerificationJobBuilder.name(version);
    Optional<Job> job =
        context.getSecondaryResources(Job.class).stream()
            .filter(j -> jobName.equals(j.getMetadata().getName()))
            .findFirst();
    @SuppressWarnings("unchecked")
    InformerEventSource<Pod, ModelVersion> pods =
        (InformerEventSource<Pod, ModelVersion>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class, VERIFY_PODS);
    List<Pod> verifyPods =
        job.isEmpty()
            ? List.of()
            : pods.list(
                    version.getMetadata().getNamespace(),
                    p ->
                        jobName.equals(
                            Optional.ofNullable(p.getMetadata().getLabels())
                                .orElse(Map.of())
                                .get("batch.kubernetes.io/job-name")))
                .toList();
    long generation =
        version.getMetadata().getGeneration() == null ? 0 : version.getMetadata().getGeneration();
    // The spec is immutable: once accepted, a version's references are not looked up again.
    Acceptance verdict =
        Acceptance.acceptedAt(version.getStatus(), generation)
            ? new Acceptance(List.of())
            : acceptance.decide(version);
    Optional<SignatureCheck> signature =
        verdict.accepted() && !VerificationDecision.settled(version)
            ? Optional.of(signatures.check(version))
            : Optional.empty();
    return new ModelVersionSnapshot(version, verdict, job, verifyPods, signature);
  }
}
