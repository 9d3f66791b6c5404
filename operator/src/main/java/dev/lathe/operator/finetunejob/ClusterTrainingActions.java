package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.publishing.ModelPublisher;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.training.CheckpointClaimBuilder;
import dev.lathe.operator.training.ProgressReader;
import dev.lathe.operator.training.RendezvousServiceBuilder;
import dev.lathe.operator.training.TrainingInputs;
import dev.lathe.operator.training.TrainingJobBuilder;
import dev.lathe.operator.workloads.ObjectCreation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Optional;

/** {@link TrainingActions} against the API server, the output storage and the signing key. */
public class ClusterTrainingActions implements TrainingActions {

  private final KubernetesClient client;
  private final WorkloadSettings settings;
  private final OperatorKeys keys;
  private final ModelPublisher publisher;
  private final ProgressReader progress;

  public ClusterTrainingActions(
      KubernetesClient client,
      WorkloadSettings settings,
      OperatorKeys keys,
      ModelPublisher publisher,
      ProgressReader progress) {
    this.client = client;
    this.settings = settings;
    this.keys = keys;
    this.publisher = publisher;
    this.progress = progress;
  }

  @Override
  public void createWorkload(FineTuneJob job, TrainingStep.CreateWorkload step) {
    TrainingInputs planned = step.inputs();
    TrainingInputs inputs =
        new TrainingInputs(
            planned.attempt(),
            planned.baseModel(),
            planned.baseModelSigned(),
            planned.baseModelDigest(),
            planned.output(),
            keys.trustedKeysPem(job.getMetadata().getNamespace()),
            planned.trainerImage(),
            planned.fetchImage(),
            planned.progressSeconds(),
            planned.suspended());
    try {
      ObjectCreation.createIfAbsent(
          client,
          CheckpointClaimBuilder.build(
              job, settings.checkpointSize(), settings.checkpointStorageClass()));
      int nodes =
          Optional.ofNullable(job.getSpec().getResources()).map(r -> r.getNodes()).orElse(1);
      if (nodes > 1) {
        ObjectCreation.createIfAbsent(
            client, RendezvousServiceBuilder.build(job, inputs.attempt()));
      }
      ObjectCreation.createIfAbsent(client, TrainingJobBuilder.build(job, inputs));
    } catch (KubernetesClientException e) {
      if (e.getCode() < 400 || e.getCode() >= 500) {
        throw e;
      }
      throw new WorkloadRejected(
          Optional.ofNullable(e.getStatus()).map(s -> s.getMessage()).orElse(e.getMessage()));
    }
  }

  @Override
  public void setSuspension(FineTuneJob job, TrainingStep.SetSuspension step) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(step.jobName())
        // A merge patch of the one field: no read-modify-write race with the Job controller.
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"suspend\":" + step.suspend() + "}}");
  }

  @Override
  public PublishOutcome publish(FineTuneJob job, TrainingStep.Publish step) {
    try {
      ModelPublisher.Published published =
          publisher.publish(
              job,
              step.attempt(),
              step.modelName(),
              step.trainerImage(),
              step.startedOn(),
              step.finishedOn());
      progress.forget(job.getMetadata().getUid());
      var last =
          progress.read(
              job.getMetadata().getUid(), job.getMetadata().getNamespace(), step.attempt());
      progress.forget(job.getMetadata().getUid());
      return new PublishOutcome.Published(
          published.modelVersion(), published.manifestDigest(), last);
    } catch (ModelPublisher.PublishingFailed e) {
      return new PublishOutcome.NotPublished(
          new Failure(e.reason(), e.getMessage(), !e.permanent()));
    } catch (OperatorKeys.SigningKeyUnavailable e) {
      return new PublishOutcome.NotPublished(
          new Failure(FineTuneJobConditions.SIGNING_KEY_UNAVAILABLE, e.getMessage(), true));
    } catch (OperatorStorage.UnreachableStorage e) {
      return new PublishOutcome.NotPublished(
          new Failure(FineTuneJobConditions.STORAGE_UNAVAILABLE, e.getMessage(), true));
    }
  }

  @Override
  public void forgetProgress(FineTuneJob job) {
    progress.forget(job.getMetadata().getUid());
  }
}
