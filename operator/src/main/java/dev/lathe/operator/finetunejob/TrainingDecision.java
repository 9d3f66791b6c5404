package dev.lathe.operator.finetunejob;

import static dev.lathe.api.v1alpha1.FineTuneJobConditions.ADMITTED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.COMPLETED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.FAILED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.QUEUED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.QUOTA_EXCEEDED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.READY;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.RUNNING;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.STARTING;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.SUCCEEDED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.SUSPENDED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.WAITING_FOR_KUEUE;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.QuotaReservation;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.quota.GpuQuota;
import dev.lathe.operator.quota.QuotaAdmission;
import dev.lathe.operator.quota.QuotaLedger;
import dev.lathe.operator.status.ConditionWriter;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.status.Notice;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.training.TrainingInputs;
import dev.lathe.operator.training.TrainingJobBuilder;
import dev.lathe.operator.training.TrainingNames;
import dev.lathe.operator.training.TrainingObservation;
import dev.lathe.operator.workloads.JobConditions;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Decides a FineTuneJob's next step from a {@link FineTuneJobSnapshot} and the time, without I/O:
 * accept the spec; queue or admit (reserving quota in the job's status); follow the workload
 * (suspension, progress); publish when it succeeded; say why when it failed. The outcome of a step
 * whose result matters (creating the workload, publishing) comes back through {@link
 * #workloadRejected} and {@link #afterPublishing}, pure as well.
 */
public final class TrainingDecision {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkloadSettings settings;
  private final Duration recheck;

  /**
   * @param settings the operator's workload defaults (images, default storage, progress interval)
   * @param recheck how soon to look again at what no watched object announces
   */
  public TrainingDecision(WorkloadSettings settings, Duration recheck) {
    this.settings = settings;
    this.recheck = recheck;
  }

  public Plan<FineTuneJobStatus, TrainingStep> decide(FineTuneJobSnapshot seen, Instant now) {
    Plan<FineTuneJobStatus, TrainingStep> plan = start(seen, now);
    FineTuneJob job = seen.job();
    FineTuneJobStatus status = plan.status();
    Optional<Job> workload = seen.workload();
    workload.ifPresent(w -> adopt(job, status, w));
    boolean admitted = status.getJobName() != null;
    // Once its workload exists a job is followed to the end: a reference that goes away later
    // (a deleted base ModelVersion) changes nothing for pods that already fetched it.
    if (!seen.acceptance().accepted() && !admitted) {
      if (seen.acceptance().waitsOnOtherObjects()) {
        plan.next(recheck);
      }
      return rollUp(plan, job);
    }
    if (plan.conditions().isTrue(SUCCEEDED) || plan.conditions().isTrue(FAILED)) {
      return rollUp(plan, job);
    }
    if (workload.isPresent()) {
      follow(seen, workload.get(), plan, now);
    } else if (admitted) {
      // Admitted (the status says so) but the Job is not in the cache: just created and not
      // delivered yet, or deleted by someone. Creating it again is safe either way (create if
      // absent), and the reservation made at admission still holds the quota.
      plan.step(new TrainingStep.CreateWorkload(inputs(seen, status.getAttempts())));
    } else {
      admit(seen, plan, now);
    }
    return rollUp(plan, job);
  }

  /** The API server refused the workload: report it, keep no reservation, and try again later. */
  public Plan<FineTuneJobStatus, TrainingStep> workloadRejected(
      FineTuneJobSnapshot seen, Instant now, String message) {
    Plan<FineTuneJobStatus, TrainingStep> plan = start(seen, now);
    plan.conditions()
        .set(
            RUNNING,
            Condition.FALSE,
            FineTuneJobConditions.WORKLOAD_REJECTED,
            "the API server refused the training workload: " + message,
            Notice.WARNING);
    plan.next(recheck);
    return rollUp(plan, seen.job());
  }

  /** Completes {@code plan} (which asked to publish) with what publishing came to. */
  public Plan<FineTuneJobStatus, TrainingStep> afterPublishing(
      Plan<FineTuneJobStatus, TrainingStep> plan,
      FineTuneJob job,
      TrainingStep.Publish step,
      PublishOutcome outcome) {
    FineTuneJobStatus status = plan.status();
    if (outcome instanceof PublishOutcome.Published published) {
      status.setModelVersion(published.modelVersion());
      status.setCompletionTime(step.finishedOn().toString());
      // The trainer's last report, not the last one read while it ran: the final loss.
      TrainingProgress done =
          published
              .finalProgress()
              .or(() -> Optional.ofNullable(status.getProgress()))
              .orElseGet(TrainingProgress::new);
      if (done.getTotalSteps() != null) {
        done.setStep(done.getTotalSteps());
      }
      done.setPercentComplete(100);
      status.setProgress(done);
      plan.conditions()
          .set(
              SUCCEEDED,
              Condition.TRUE,
              FineTuneJobConditions.PUBLISHED,
              "published ModelVersion "
                  + published.modelVersion()
                  + " ("
                  + published.manifestDigest()
                  + "), signed by the operator",
              Notice.NORMAL);
      plan.clearNext();
    } else {
      Failure failure = ((PublishOutcome.NotPublished) outcome).failure();
      if (failure.retryable()) {
        plan.conditions()
            .set(
                SUCCEEDED,
                Condition.FALSE,
                failure.reason(),
                "training finished; publishing waits: " + failure.message(),
                Notice.WARNING);
        plan.next(recheck);
      } else {
        status.setCompletionTime(step.finishedOn().toString());
        plan.conditions()
            .set(FAILED, Condition.TRUE, failure.reason(), failure.message(), Notice.WARNING);
        plan.clearNext();
      }
    }
    return rollUp(plan, job);
  }

  // --- before the workload exists -------------------------------------------------------------

  private void admit(
      FineTuneJobSnapshot seen, Plan<FineTuneJobStatus, TrainingStep> plan, Instant now) {
    FineTuneJob job = seen.job();
    FineTuneJobStatus status = plan.status();
    ConditionWriter conditions = plan.conditions();
    boolean kueue = job.getSpec().getQueueName() != null;
    if (Boolean.TRUE.equals(job.getSpec().getSuspend()) && !kueue) {
      conditions.set(RUNNING, Condition.FALSE, SUSPENDED, "spec.suspend is true", Notice.NORMAL);
      return;
    }
    if (!kueue) {
      List<FineTuneJob> waiting =
          seen.namespaceJobs().stream().filter(TrainingDecision::waitsForQuota).toList();
      GpuQuota free =
          QuotaLedger.free(job, seen.namespaceJobs(), seen.quotas(), seen.trainingPods());
      QuotaAdmission.Verdict verdict = QuotaAdmission.decide(job, waiting, free);
      if (!verdict.admitted()) {
        conditions.set(QUEUED, Condition.TRUE, QUOTA_EXCEEDED, verdict.message(), Notice.NORMAL);
        // ResourceQuota and FineTuneJob changes wake us; the recheck covers quota freed by pods
        // of other owners.
        plan.next(recheck);
        return;
      }
      status.setQuotaReservation(
          new QuotaReservation(
              QuotaAdmission.gpus(job), now.truncatedTo(ChronoUnit.SECONDS).toString()));
    }
    int attempt = Math.max(1, Optional.ofNullable(status.getAttempts()).orElse(0));
    plan.step(new TrainingStep.CreateWorkload(inputs(seen, attempt)));
    status.setAttempts(attempt);
    status.setJobName(TrainingNames.job(job, attempt));
    if (kueue) {
      conditions.set(
          QUEUED,
          Condition.TRUE,
          WAITING_FOR_KUEUE,
          "created Job "
              + status.getJobName()
              + " suspended for LocalQueue "
              + job.getSpec().getQueueName(),
          Notice.NORMAL);
    } else {
      conditions.set(
          QUEUED,
          Condition.FALSE,
          ADMITTED,
          "created Job " + status.getJobName() + " (attempt " + attempt + ")",
          Notice.NORMAL);
    }
    conditions.set(
        RUNNING, Condition.FALSE, STARTING, "the training pods are being created", Notice.QUIET);
  }

  /** Jobs that Lathe itself admits and that were not admitted yet: the first-in-first-out line. */
  public static boolean waitsForQuota(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    return job.getSpec().getQueueName() == null
        && !Boolean.TRUE.equals(job.getSpec().getSuspend())
        && status != null
        && status.getJobName() == null
        && status.getQuotaReservation() == null
        && isTrue(status, FineTuneJobConditions.ACCEPTED)
        && !isTrue(status, SUCCEEDED)
        && !isTrue(status, FAILED);
  }

  private TrainingInputs inputs(FineTuneJobSnapshot seen, int attempt) {
    FineTuneJob job = seen.job();
    boolean kueue = job.getSpec().getQueueName() != null;
    var base = job.getSpec().getBaseModel();
    StorageLocation baseLocation;
    boolean signed;
    Optional<String> digest = Optional.empty();
    if (base.getModelVersion() != null) {
      ModelVersion version =
          seen.baseModel()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "accepted job without its base ModelVersion " + base.getModelVersion()));
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
        "",
        trainerImage(job),
        settings.trainerImage(),
        settings.progressInterval().toSeconds(),
        kueue || Boolean.TRUE.equals(job.getSpec().getSuspend()));
  }

  // --- while the workload exists ---------------------------------------------------------------

  /**
   * A Job found by the attempt's deterministic name: an operator that crashed after creating it,
   * before it could write the status, adopts it instead of admitting the job a second time.
   */
  private static void adopt(FineTuneJob job, FineTuneJobStatus status, Job workload) {
    if (status.getJobName() == null) {
      int attempt = Math.max(1, Optional.ofNullable(status.getAttempts()).orElse(0));
      status.setAttempts(attempt);
      status.setJobName(workload.getMetadata().getName());
    }
  }

  private void follow(
      FineTuneJobSnapshot seen,
      Job batch,
      Plan<FineTuneJobStatus, TrainingStep> plan,
      Instant now) {
    FineTuneJob job = seen.job();
    FineTuneJobStatus status = plan.status();
    ConditionWriter conditions = plan.conditions();
    boolean kueue = job.getSpec().getQueueName() != null;
    Job observedBatch = batch;
    // spec.suspend drives the Job's suspension for jobs Lathe admits; with a Kueue queue, Kueue
    // owns it and Lathe only reads it.
    boolean wanted = Boolean.TRUE.equals(job.getSpec().getSuspend());
    boolean actual = Boolean.TRUE.equals(batch.getSpec().getSuspend());
    if (!kueue && wanted != actual && !JobConditions.isFinished(batch)) {
      plan.step(new TrainingStep.SetSuspension(batch.getMetadata().getName(), wanted));
      observedBatch = JSON.convertValue(batch, Job.class);
      observedBatch.getSpec().setSuspend(wanted);
    }
    if (batch.getStatus() != null
        && batch.getStatus().getStartTime() != null
        && status.getStartTime() == null) {
      status.setStartTime(batch.getStatus().getStartTime());
    }
    TrainingObservation observation = TrainingObservation.of(observedBatch, seen.pods());
    switch (observation.state()) {
      case SUSPENDED -> {
        if (kueue && !wanted) {
          conditions.set(
              QUEUED,
              Condition.TRUE,
              WAITING_FOR_KUEUE,
              "waiting for Kueue to admit the Job into LocalQueue " + job.getSpec().getQueueName(),
              Notice.QUIET);
        } else {
          conditions.set(
              RUNNING,
              Condition.FALSE,
              SUSPENDED,
              "spec.suspend is true: no training pods run; they resume from the last checkpoint",
              Notice.NORMAL);
        }
      }
      case STARTING -> {
        admittedByKueue(job, conditions, kueue);
        conditions.set(RUNNING, Condition.FALSE, STARTING, observation.message(), Notice.QUIET);
      }
      case RUNNING -> {
        admittedByKueue(job, conditions, kueue);
        conditions.set(
            RUNNING,
            Condition.TRUE,
            FineTuneJobConditions.TRAINING,
            observation.message(),
            Notice.NORMAL);
        seen.progress().ifPresent(status::setProgress);
        plan.next(settings.progressInterval());
      }
      case FAILED -> {
        if (status.getCompletionTime() == null) {
          status.setCompletionTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        conditions.set(
            RUNNING,
            Condition.FALSE,
            FineTuneJobConditions.STOPPED,
            "training stopped",
            Notice.QUIET);
        conditions.set(
            FAILED,
            Condition.TRUE,
            FineTuneJobConditions.TRAINING_FAILED,
            observation.message(),
            Notice.WARNING);
      }
      case SUCCEEDED -> {
        conditions.set(
            RUNNING, Condition.FALSE, COMPLETED, "training finished; publishing", Notice.QUIET);
        Instant started =
            Optional.ofNullable(status.getStartTime()).map(Instant::parse).orElse(now);
        Instant finished =
            Optional.ofNullable(batch.getStatus())
                .map(s -> s.getCompletionTime())
                .map(Instant::parse)
                .orElse(now);
        plan.step(
            new TrainingStep.Publish(
                attemptLocation(job, status.getAttempts()),
                TrainingJobBuilder.modelName(job),
                trainerImage(job),
                started,
                finished));
      }
    }
  }

  private static void admittedByKueue(FineTuneJob job, ConditionWriter conditions, boolean kueue) {
    if (kueue) {
      conditions.set(
          QUEUED,
          Condition.FALSE,
          ADMITTED,
          "Kueue admitted the Job from LocalQueue " + job.getSpec().getQueueName(),
          Notice.NORMAL);
    }
  }

  // --- shared ----------------------------------------------------------------------------------

  private static Plan<FineTuneJobStatus, TrainingStep> start(
      FineTuneJobSnapshot seen, Instant now) {
    FineTuneJob job = seen.job();
    FineTuneJobStatus status =
        JSON.convertValue(
            Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new),
            FineTuneJobStatus.class);
    long generation = generation(job);
    ConditionWriter conditions = new ConditionWriter(status, generation, now);
    seen.acceptance().report(conditions);
    status.setObservedGeneration(generation);
    return new Plan<>(status, conditions);
  }

  /**
   * Ready rolls the other conditions up into the one a person and the STATUS column read: True once
   * published, otherwise False with the reason of the step the job is at.
   */
  static Plan<FineTuneJobStatus, TrainingStep> rollUp(
      Plan<FineTuneJobStatus, TrainingStep> plan, FineTuneJob job) {
    ConditionWriter c = plan.conditions();
    FineTuneJobStatus status = plan.status();
    String reason;
    String message;
    String value = Condition.FALSE;
    Optional<Condition> running = c.get(RUNNING);
    Optional<Condition> succeeded = c.get(SUCCEEDED);
    if (c.isTrue(SUCCEEDED)) {
      value = Condition.TRUE;
      reason = FineTuneJobConditions.PUBLISHED;
      message = succeeded.get().getMessage();
    } else if (c.isTrue(FAILED)) {
      reason = c.get(FAILED).get().getReason();
      message = c.get(FAILED).get().getMessage();
    } else if (status.getJobName() == null && !c.isTrue(FineTuneJobConditions.ACCEPTED)) {
      reason = FineTuneJobConditions.NOT_ACCEPTED;
      message = c.get(FineTuneJobConditions.ACCEPTED).map(Condition::getMessage).orElse("");
    } else if (c.isTrue(QUEUED)) {
      reason = FineTuneJobConditions.QUEUED_REASON;
      message = c.get(QUEUED).get().getMessage();
    } else if (running.map(r -> COMPLETED.equals(r.getReason())).orElse(false)) {
      reason =
          succeeded
              .filter(s -> Condition.FALSE.equals(s.getStatus()))
              .map(Condition::getReason)
              .orElse(FineTuneJobConditions.PUBLISHING);
      message =
          succeeded
              .filter(s -> Condition.FALSE.equals(s.getStatus()))
              .map(Condition::getMessage)
              .orElse("training finished; publishing");
    } else if (running.isPresent()) {
      reason = running.get().getReason();
      message = running.get().getMessage();
    } else {
      value = Condition.UNKNOWN;
      reason = FineTuneJobConditions.PENDING;
      message = "the operator has not taken a step for this job yet";
    }
    c.set(READY, value, reason, message, Notice.QUIET);
    return plan;
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

  private static boolean isTrue(FineTuneJobStatus status, String type) {
    return status.getConditions().stream()
        .anyMatch(c -> type.equals(c.getType()) && Condition.TRUE.equals(c.getStatus()));
  }

  private static long generation(FineTuneJob job) {
    return job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
  }
}
