package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.Fixtures;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A FineTuneJob's world for decision tests, built in memory: the job, its workload and pods, its
 * namespace's jobs and quotas. Each method changes one thing; {@link #snapshot} observes it as the
 * observer would.
 */
final class TrainingWorld {

  FineTuneJob job;
  Acceptance acceptance = new Acceptance(List.of());
  Job workload;
  final List<Pod> pods = new ArrayList<>();
  final List<FineTuneJob> others = new ArrayList<>();
  final List<ResourceQuota> quotas = new ArrayList<>();
  ModelVersion base = Fixtures.verified(Fixtures.baseModel("llama-3-1-8b-instruct"));
  TrainingProgress progress;

  TrainingWorld() {
    job = job("support-bot-v3", "2026-12-01T10:00:00Z");
  }

  static FineTuneJob job(String name, String created) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setName(name);
    job.getMetadata().setUid(name + "-0000-uid");
    job.getMetadata().setGeneration(1L);
    job.getMetadata().setCreationTimestamp(created);
    job.getSpec().getOutput().setModelVersionName(name);
    return job;
  }

  /** The job as an earlier reconcile left it: accepted, with whatever else {@code status} says. */
  static FineTuneJob accepted(FineTuneJob job) {
    FineTuneJobStatus status =
        Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new);
    Condition accepted = new Condition("Accepted", "True", AcceptanceReasons.VALID, "ok");
    accepted.setObservedGeneration(1L);
    accepted.setLastTransitionTime("2026-12-01T10:00:00Z");
    status.getConditions().removeIf(c -> c.getType().equals("Accepted"));
    status.getConditions().add(accepted);
    job.setStatus(status);
    return job;
  }

  TrainingWorld rejected(boolean waitsOnOtherObjects) {
    acceptance =
        new Acceptance(
            List.of(
                new Problem(
                    AcceptanceReasons.SECRET_NOT_FOUND,
                    "Secret minio-credentials not found",
                    waitsOnOtherObjects)));
    return this;
  }

  TrainingWorld gpuQuota(int hard, int used) {
    quotas.add(
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName("gpus")
            .withNamespace(Fixtures.NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .addToHard("requests.nvidia.com/gpu", new Quantity(String.valueOf(hard)))
            .endSpec()
            .withNewStatus()
            .addToHard("requests.nvidia.com/gpu", new Quantity(String.valueOf(hard)))
            .addToUsed("requests.nvidia.com/gpu", new Quantity(String.valueOf(used)))
            .endStatus()
            .build());
    return this;
  }

  TrainingWorld admitted() {
    FineTuneJobStatus status = accepted(job).getStatus();
    status.setAttempts(1);
    status.setJobName("support-bot-v3-train-1");
    status.setQuotaReservation(
        new dev.lathe.api.v1alpha1.QuotaReservation(1, "2026-12-01T10:00:01Z"));
    return this;
  }

  TrainingWorld workload(JobBuilder job) {
    workload = job.build();
    return this;
  }

  static JobBuilder batch(boolean suspended) {
    return new JobBuilder()
        .withNewMetadata()
        .withName("support-bot-v3-train-1")
        .withNamespace(Fixtures.NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withSuspend(suspended)
        .endSpec();
  }

  static JobBuilder finished(String type, String completion) {
    return batch(false)
        .withNewStatus()
        .withStartTime("2026-12-01T10:01:00Z")
        .withCompletionTime(completion)
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .withReason(type.equals("Failed") ? "BackoffLimitExceeded" : null)
        .withMessage(type.equals("Failed") ? "Job has reached the specified backoff limit" : null)
        .endCondition()
        .endStatus();
  }

  TrainingWorld trainerRunning() {
    workload =
        batch(false)
            .withNewStatus()
            .withStartTime("2026-12-01T10:01:00Z")
            .withActive(1)
            .endStatus()
            .build();
    pods.add(
        new PodBuilder()
            .withNewMetadata()
            .withName("support-bot-v3-train-1-abcde")
            .withLabels(Map.of("batch.kubernetes.io/job-name", "support-bot-v3-train-1"))
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt("2026-12-01T10:02:00Z")
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build());
    return this;
  }

  FineTuneJobSnapshot snapshot() {
    List<FineTuneJob> namespace = new ArrayList<>(others);
    namespace.add(job);
    return new FineTuneJobSnapshot(
        job,
        acceptance,
        Optional.ofNullable(workload),
        pods,
        namespace,
        quotas,
        List.of(),
        Optional.ofNullable(base),
        Optional.ofNullable(progress));
  }
}
