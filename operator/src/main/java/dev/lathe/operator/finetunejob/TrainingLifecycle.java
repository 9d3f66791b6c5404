package dev.lathe.operator.finetunejob;

import static dev.lathe.api.v1alpha1.FineTuneJobStatus.FAILED;
import static dev.lathe.api.v1alpha1.FineTuneJobStatus.QUEUED;
import static dev.lathe.api.v1alpha1.FineTuneJobStatus.RUNNING;
import static dev.lathe.api.v1alpha1.FineTuneJobStatus.SUCCEEDED;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.metrics.FineTuneJobMetrics;
import dev.lathe.operator.publishing.ModelPublisher;
import dev.lathe.operator.quota.GpuQuota;
import dev.lathe.operator.quota.QuotaAdmission;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.ConditionReport;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.training.CheckpointClaimBuilder;
import dev.lathe.operator.training.ProgressReader;
import dev.lathe.operator.training.RendezvousServiceBuilder;
import dev.lathe.operator.training.TrainingInputs;
import dev.lathe.operator.training.TrainingJobBuilder;
import dev.lathe.operator.training.TrainingNames;
import dev.lathe.operator.training.TrainingObservation;
import dev.lathe.operator.workloads.JobConditions;
import dev.lathe.operator.workloads.ObjectCreation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The life of an accepted FineTuneJob after acceptance, one step per reconcile: wait for quota or
 * Kueue, create the attempt's workload, follow it (suspension, progress), and on success publish
 * the signed ModelVersion; on failure say why. It observes the cluster and storage, decides from
 * what it saw, acts with idempotent writes, and reports through conditions; the reconciler patches.
 */
public class TrainingLifecycle {

  public static final String QUOTA_EXCEEDED = "QuotaExceeded";
  public static final String WAITING_FOR_KUEUE = "WaitingForKueue";

  private final KubernetesClient client;
  private final WorkloadSettings settings;
  private final OperatorStorage storage;
  private final OperatorKeys keys;
  private final ModelPublisher publisher;
  private final ProgressReader progress;
  private final ConditionReport conditions;
  private final FineTuneJobMetrics metrics;
  private final Clock clock;
  private final Duration recheck;

  public TrainingLifecycle(
      KubernetesClient client,
      WorkloadSettings settings,
      OperatorStorage storage,
      OperatorKeys keys,
      ModelPublisher publisher,
      ProgressReader progress,
      ConditionReport conditions,
      FineTuneJobMetrics metrics,
      Clock clock,
      Duration recheck) {
    this.client = client;
    this.settings = settings;
    this.storage = storage;
    this.keys = keys;
    this.publisher = publisher;
    this.progress = progress;
    this.conditions = conditions;
    this.metrics = metrics;
    this.clock = clock;
    this.recheck = recheck;
  }

  /**
   * Advances the job one step.
   *
   * @param job the FineTuneJob, its status already created
   * @param existing the attempt's Job when the informer has it
   * @param namespaceJobs the namespace's FineTuneJobs, for first-in-first-out admission
   * @return when to look again, if no watched object will say so
   */
  public Optional<Duration> advance(
      FineTuneJob job, Optional<Job> existing, List<FineTuneJob> namespaceJobs) {
    FineTuneJobStatus status = job.getStatus();
    if (ConditionReport.isTrue(status, SUCCEEDED) || ConditionReport.isTrue(status, FAILED)) {
      return Optional.empty();
    }
    if (existing.isEmpty() && status.getJobName() != null) {
      // Created, but not in the informer's cache yet: ask the API server before admitting the job
      // a second time against a quota its own pods may already hold.
      existing =
          Optional.ofNullable(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(job.getMetadata().getNamespace())
                  .withName(status.getJobName())
                  .get());
    }
    if (existing.isEmpty()) {
      return admit(job, namespaceJobs);
    }
    return follow(job, existing.get());
  }

  // --- before the workload exists -------------------------------------------------------------

  private Optional<Duration> admit(FineTuneJob job, List<FineTuneJob> namespaceJobs) {
    FineTuneJobStatus status = job.getStatus();
    boolean kueue = job.getSpec().getQueueName() != null;
    if (Boolean.TRUE.equals(job.getSpec().getSuspend()) && !kueue) {
      set(job, RUNNING, Condition.FALSE, "Suspended", "spec.suspend is true", EventRecorder.NORMAL);
      return Optional.empty();
    }
    if (!kueue) {
      List<FineTuneJob> waiting =
          namespaceJobs.stream().filter(TrainingLifecycle::waitsForQuota).toList();
      GpuQuota quota =
          GpuQuota.of(
              client
                  .resourceQuotas()
                  .inNamespace(job.getMetadata().getNamespace())
                  .list()
                  .getItems());
      QuotaAdmission.Verdict verdict = QuotaAdmission.decide(job, waiting, quota);
      if (!verdict.admitted()) {
        set(job, QUEUED, Condition.TRUE, QUOTA_EXCEEDED, verdict.message(), EventRecorder.NORMAL);
        metrics.queued(job);
        // ResourceQuota changes wake us; the recheck covers quota freed by pods of other owners.
        return Optional.of(recheck);
      }
    }
    int attempt = Math.max(1, Optional.ofNullable(status.getAttempts()).orElse(0));
    TrainingInputs inputs = inputs(job, attempt, kueue);
    try {
      createWorkload(job, inputs);
    } catch (KubernetesClientException e) {
      if (e.getCode() < 400 || e.getCode() >= 500) {
        throw e;
      }
      // Refused by the API server (admission policy, RBAC, an invalid value): say so where the
      // user looks, and try again later, since policies change without the spec changing.
      set(
          job,
          RUNNING,
          Condition.FALSE,
          "WorkloadRejected",
          "the API server refused the training workload: "
              + Optional.ofNullable(e.getStatus())
                  .map(st -> st.getMessage())
                  .orElse(e.getMessage()),
          EventRecorder.WARNING);
      return Optional.of(recheck);
    }
    status.setAttempts(attempt);
    status.setJobName(TrainingNames.job(job, attempt));
    if (kueue) {
      set(
          job,
          QUEUED,
          Condition.TRUE,
          WAITING_FOR_KUEUE,
          "created Job "
              + status.getJobName()
              + " suspended for LocalQueue "
              + job.getSpec().getQueueName(),
          EventRecorder.NORMAL);
    } else {
      set(
          job,
          QUEUED,
          Condition.FALSE,
          "Admitted",
          "created Job " + status.getJobName() + " (attempt " + attempt + ")",
          EventRecorder.NORMAL);
      metrics.admitted(job, Instant.now(clock));
    }
    set(job, RUNNING, Condition.FALSE, "Starting", "the training pods are being created", null);
    return Optional.empty();
  }

  /** Jobs that Lathe itself admits and that have no workload yet: the FIFO line. */
  static boolean waitsForQuota(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    return job.getSpec().getQueueName() == null
        && !Boolean.TRUE.equals(job.getSpec().getSuspend())
        && status != null
        && status.getJobName() == null
        && ConditionReport.isTrue(status, FineTuneJobStatus.ACCEPTED)
        && !ConditionReport.isTrue(status, SUCCEEDED)
        && !ConditionReport.isTrue(status, FAILED);
  }

  private TrainingInputs inputs(FineTuneJob job, int attempt, boolean kueue) {
    String namespace = job.getMetadata().getNamespace();
    var base = job.getSpec().getBaseModel();
    StorageLocation baseLocation;
    boolean signed;
    Optional<String> digest = Optional.empty();
    if (base.getModelVersion() != null) {
      ModelVersion version =
          client
              .resources(ModelVersion.class)
              .inNamespace(namespace)
              .withName(base.getModelVersion())
              .get();
      baseLocation = version.getSpec().getSource().getStorage();
      signed = true;
      if (version.getStatus() != null && version.getStatus().getArtifact() != null) {
        digest = Optional.ofNullable(version.getStatus().getArtifact().getManifestDigest());
      }
    } else {
      baseLocation = base.getStorage();
      signed = false;
    }
    return new TrainingInputs(
        attempt,
        baseLocation,
        signed,
        digest,
        attemptLocation(job, attempt),
        keys.trustedKeysPem(namespace),
        trainerImage(job),
        settings.trainerImage(),
        settings.progressInterval().toSeconds(),
        kueue || Boolean.TRUE.equals(job.getSpec().getSuspend()));
  }

  private void createWorkload(FineTuneJob job, TrainingInputs inputs) {
    String namespace = job.getMetadata().getNamespace();
    var claim =
        CheckpointClaimBuilder.build(
            job, settings.checkpointSize(), settings.checkpointStorageClass());
    if (client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withName(claim.getMetadata().getName())
            .get()
        == null) {
      client.persistentVolumeClaims().inNamespace(namespace).resource(claim).create();
    }
    int nodes = Optional.ofNullable(job.getSpec().getResources()).map(r -> r.getNodes()).orElse(1);
    if (nodes > 1) {
      ObjectCreation.createIfAbsent(client, RendezvousServiceBuilder.build(job, inputs.attempt()));
    }
    ObjectCreation.createIfAbsent(client, TrainingJobBuilder.build(job, inputs));
  }

  // --- while the workload exists ---------------------------------------------------------------

  private Optional<Duration> follow(FineTuneJob job, Job batch) {
    FineTuneJobStatus status = job.getStatus();
    boolean kueue = job.getSpec().getQueueName() != null;
    String namespace = job.getMetadata().getNamespace();
    syncSuspension(job, batch, kueue);
    if (batch.getStatus() != null
        && batch.getStatus().getStartTime() != null
        && status.getStartTime() == null) {
      status.setStartTime(batch.getStatus().getStartTime());
    }
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("batch.kubernetes.io/job-name", batch.getMetadata().getName())
            .list()
            .getItems();
    TrainingObservation seen = TrainingObservation.of(batch, pods);
    switch (seen.state()) {
      case SUSPENDED -> {
        if (kueue && !Boolean.TRUE.equals(job.getSpec().getSuspend())) {
          set(
              job,
              QUEUED,
              Condition.TRUE,
              WAITING_FOR_KUEUE,
              "waiting for Kueue to admit the Job into LocalQueue " + job.getSpec().getQueueName(),
              null);
        } else {
          set(
              job,
              RUNNING,
              Condition.FALSE,
              "Suspended",
              "spec.suspend is true: no training pods run; they resume from the last checkpoint",
              EventRecorder.NORMAL);
        }
        return Optional.empty();
      }
      case STARTING -> {
        admittedByKueue(job, kueue);
        set(job, RUNNING, Condition.FALSE, "Starting", seen.message(), null);
        return Optional.empty();
      }
      case RUNNING -> {
        admittedByKueue(job, kueue);
        set(job, RUNNING, Condition.TRUE, "Training", seen.message(), EventRecorder.NORMAL);
        progress
            .read(job.getMetadata().getUid(), namespace, attemptLocation(job, status.getAttempts()))
            .ifPresent(status::setProgress);
        return Optional.of(progress.interval());
      }
      case FAILED -> {
        finish(job);
        set(job, RUNNING, Condition.FALSE, "Failed", "training stopped", null);
        set(job, FAILED, Condition.TRUE, "TrainingFailed", seen.message(), EventRecorder.WARNING);
        metrics.finished(job, false);
        progress.forget(job.getMetadata().getUid());
        return Optional.empty();
      }
      case SUCCEEDED -> {
        return publish(job, batch);
      }
      default -> throw new IllegalStateException(seen.state().name());
    }
  }

  private void admittedByKueue(FineTuneJob job, boolean kueue) {
    if (kueue) {
      set(
          job,
          QUEUED,
          Condition.FALSE,
          "Admitted",
          "Kueue admitted the Job from LocalQueue " + job.getSpec().getQueueName(),
          EventRecorder.NORMAL);
    }
  }

  /**
   * spec.suspend drives the Job's suspension for jobs Lathe admits; with a Kueue queue, Kueue owns
   * it and Lathe only reads it.
   */
  private void syncSuspension(FineTuneJob job, Job batch, boolean kueue) {
    boolean wanted = Boolean.TRUE.equals(job.getSpec().getSuspend());
    boolean actual = Boolean.TRUE.equals(batch.getSpec().getSuspend());
    if (kueue || wanted == actual || JobConditions.isFinished(batch)) {
      return;
    }
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(batch.getMetadata().getNamespace())
        .withName(batch.getMetadata().getName())
        // A merge patch of the one field: no read-modify-write race with the Job controller.
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + wanted + "}}");
    batch.getSpec().setSuspend(wanted);
  }

  private Optional<Duration> publish(FineTuneJob job, Job batch) {
    FineTuneJobStatus status = job.getStatus();
    set(job, RUNNING, Condition.FALSE, "Completed", "training finished; publishing", null);
    Instant started =
        Optional.ofNullable(status.getStartTime()).map(Instant::parse).orElse(Instant.now(clock));
    Instant finished =
        Optional.ofNullable(batch.getStatus().getCompletionTime())
            .map(Instant::parse)
            .orElse(Instant.now(clock));
    try {
      ModelPublisher.Published published =
          publisher.publish(
              job,
              attemptLocation(job, status.getAttempts()),
              TrainingJobBuilder.modelName(job),
              trainerImage(job),
              started,
              finished);
      status.setModelVersion(published.modelVersion());
      status.setCompletionTime(finished.toString());
      // The trainer's last report, not the last one read while it ran: the final loss.
      progress.forget(job.getMetadata().getUid());
      TrainingProgress done =
          progress
              .read(
                  job.getMetadata().getUid(),
                  job.getMetadata().getNamespace(),
                  attemptLocation(job, status.getAttempts()))
              .or(() -> Optional.ofNullable(status.getProgress()))
              .orElseGet(TrainingProgress::new);
      if (done.getTotalSteps() != null) {
        done.setStep(done.getTotalSteps());
      }
      done.setPercentComplete(100);
      status.setProgress(done);
      set(
          job,
          SUCCEEDED,
          Condition.TRUE,
          "Published",
          "published ModelVersion "
              + published.modelVersion()
              + " ("
              + published.manifestDigest()
              + "), signed by the operator",
          EventRecorder.NORMAL);
      metrics.finished(job, true);
      progress.forget(job.getMetadata().getUid());
      return Optional.empty();
    } catch (ModelPublisher.PublishingFailed e) {
      if (e.permanent()) {
        status.setCompletionTime(finished.toString());
        set(job, FAILED, Condition.TRUE, e.reason(), e.getMessage(), EventRecorder.WARNING);
        metrics.finished(job, false);
        return Optional.empty();
      }
      set(
          job,
          SUCCEEDED,
          Condition.FALSE,
          e.reason(),
          "training finished; publishing waits: " + e.getMessage(),
          EventRecorder.WARNING);
      return Optional.of(recheck);
    } catch (OperatorKeys.SigningKeyUnavailable | OperatorStorage.UnreachableStorage e) {
      set(
          job,
          SUCCEEDED,
          Condition.FALSE,
          e instanceof OperatorKeys.SigningKeyUnavailable
              ? "SigningKeyUnavailable"
              : "StorageUnavailable",
          "training finished; publishing waits: " + e.getMessage(),
          EventRecorder.WARNING);
      return Optional.of(recheck);
    }
  }

  private void finish(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    if (status.getCompletionTime() == null) {
      status.setCompletionTime(
          Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
  }

  /** The attempt's prefix in the output storage (the job's own, or the operator's default). */
  public StorageLocation attemptLocation(FineTuneJob job, int attempt) {
    StorageLocation output =
        Optional.ofNullable(job.getSpec().getOutput())
            .map(o -> o.getStorage())
            .or(settings::defaultStorage)
            .orElseThrow(() -> new IllegalStateException("no output storage"));
    StorageLocation location = TrainingJobBuilder.copy(output);
    String prefix = TrainingNames.attemptPrefix(job, attempt);
    if (job.getSpec().getOutput() == null || job.getSpec().getOutput().getStorage() == null) {
      prefix = job.getMetadata().getNamespace() + "/" + prefix;
    }
    location.setUri(output.getUri().replaceAll("/+$", "") + "/" + prefix);
    return location;
  }

  String trainerImage(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getTrainer())
        .map(t -> t.getImage())
        .orElse(settings.trainerImage());
  }

  private void set(
      FineTuneJob job, String type, String value, String reason, String message, String event) {
    conditions.set(job, job.getStatus(), type, value, reason, message, event);
  }
}
