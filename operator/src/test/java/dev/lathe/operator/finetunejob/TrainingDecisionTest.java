package dev.lathe.operator.finetunejob;

import static dev.lathe.api.v1alpha1.FineTuneJobConditions.ADMITTED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.FAILED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.QUEUED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.QUOTA_EXCEEDED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.READY;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.RUNNING;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.SUCCEEDED;
import static dev.lathe.api.v1alpha1.FineTuneJobConditions.WAITING_FOR_KUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.QuotaReservation;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.PlannedEvent;
import dev.lathe.operator.status.StatusConditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the FineTuneJob decision, on snapshots in memory: no server, no storage. */
class TrainingDecisionTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration RECHECK = Duration.ofSeconds(30);

  final TrainingDecision decision =
      new TrainingDecision(WorkloadSettings.fromEnvironment(Map.of()), RECHECK);
  final TrainingWorld world = new TrainingWorld();

  private Plan<FineTuneJobStatus, TrainingStep> decide() {
    return decision.decide(world.snapshot(), NOW);
  }

  private static Condition condition(Plan<FineTuneJobStatus, TrainingStep> plan, String type) {
    return StatusConditions.find(plan.status().getConditions(), type).orElseThrow();
  }

  private static List<String> eventReasons(Plan<FineTuneJobStatus, TrainingStep> plan) {
    return plan.conditions().events().stream().map(PlannedEvent::reason).toList();
  }

  // --- acceptance --------------------------------------------------------------------------

  @Test
  void rejectedSpecTakesNoStepAndIsLookedAtAgainWhenAnotherObjectCanFixIt() {
    world.rejected(true);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Accepted").getReason())
        .isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
    assertThat(condition(plan, READY).getReason()).isEqualTo(FineTuneJobConditions.NOT_ACCEPTED);
    assertThat(plan.next()).contains(RECHECK);
    assertThat(plan.conditions().events())
        .extracting(PlannedEvent::type, PlannedEvent::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Warning", AcceptanceReasons.SECRET_NOT_FOUND));
  }

  @Test
  void specRejectedForItsOwnValuesIsNotLookedAtAgainUntilItChanges() {
    world.rejected(false);

    assertThat(decide().next()).isEmpty();
  }

  @Test
  void acceptedSpecOfTheObservedGenerationIsReportedWithoutAnEventTheSecondTime() {
    TrainingWorld.accepted(world.job);
    world.gpuQuota(1, 1);

    var plan = decide();

    assertThat(eventReasons(plan)).doesNotContain(AcceptanceReasons.VALID);
    assertThat(plan.status().getObservedGeneration()).isEqualTo(1L);
  }

  // --- admission ---------------------------------------------------------------------------

  @Test
  void suspendedJobIsNotAdmittedAndSaysSo() {
    world.job.getSpec().setSuspend(true);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, RUNNING).getReason()).isEqualTo("Suspended");
    assertThat(condition(plan, READY).getReason()).isEqualTo("Suspended");
    assertThat(plan.status().getQuotaReservation()).isNull();
  }

  @Test
  void jobThatDoesNotFitTheFreeQuotaIsQueuedWithTheShortfallAndRechecked() {
    world.gpuQuota(1, 1);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    Condition queued = condition(plan, QUEUED);
    assertThat(queued.getStatus()).isEqualTo("True");
    assertThat(queued.getReason()).isEqualTo(QUOTA_EXCEEDED);
    assertThat(queued.getMessage()).contains("needs 1 GPU, 0 free under ResourceQuota gpus");
    assertThat(condition(plan, READY).getReason()).isEqualTo("Queued");
    assertThat(plan.next()).contains(RECHECK);
    assertThat(plan.status().getQuotaReservation()).isNull();
  }

  @Test
  void jobThatFitsIsAdmittedWithItsReservationRecordedInTheStatus() {
    world.gpuQuota(1, 0);

    var plan = decide();

    assertThat(plan.steps()).hasSize(1).first().isInstanceOf(TrainingStep.CreateWorkload.class);
    var create = (TrainingStep.CreateWorkload) plan.steps().get(0);
    assertThat(create.inputs().attempt()).isEqualTo(1);
    assertThat(create.inputs().suspended()).isFalse();
    assertThat(create.inputs().baseModelSigned()).isTrue();
    assertThat(create.inputs().output().getUri())
        .isEqualTo("s3://models/fine-tuned/support-bot-v3-support-/attempt-1");
    QuotaReservation reservation = plan.status().getQuotaReservation();
    assertThat(reservation.getGpus()).isEqualTo(1L);
    assertThat(reservation.getReservedAt()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(plan.status().getAttempts()).isEqualTo(1);
    assertThat(plan.status().getJobName()).isEqualTo("support-bot-v3-train-1");
    assertThat(condition(plan, QUEUED).getReason()).isEqualTo(ADMITTED);
    assertThat(condition(plan, RUNNING).getReason()).isEqualTo("Starting");
    assertThat(eventReasons(plan)).containsExactly(AcceptanceReasons.VALID, ADMITTED);
  }

  @Test
  void aReservationMadeAMomentAgoCountsBeforeTheQuotaUsedFigureCatchesUp() {
    world.gpuQuota(1, 0);
    FineTuneJob first = TrainingWorld.accepted(TrainingWorld.job("first", "2026-12-01T10:00:00Z"));
    first.getStatus().setQuotaReservation(new QuotaReservation(1, "2026-12-01T11:59:59Z"));
    first.getStatus().setJobName("first-train-1");
    world.others.add(first);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, QUEUED).getReason()).isEqualTo(QUOTA_EXCEEDED);
    assertThat(condition(plan, QUEUED).getMessage()).contains("0 free");
  }

  @Test
  void aFinishedJobsReservationNoLongerCounts() {
    world.gpuQuota(1, 0);
    FineTuneJob first = TrainingWorld.accepted(TrainingWorld.job("first", "2026-12-01T10:00:00Z"));
    first.getStatus().setQuotaReservation(new QuotaReservation(1, "2026-12-01T11:00:00Z"));
    first.getStatus().setJobName("first-train-1");
    Condition succeeded = new Condition(SUCCEEDED, "True", "Published", "published");
    first.getStatus().getConditions().add(succeeded);
    world.others.add(first);

    assertThat(decide().steps()).hasSize(1);
  }

  @Test
  void anOlderJobWaitingInLineIsServedFirst() {
    world.job = TrainingWorld.job("small", "2026-12-01T11:00:00Z");
    world.job.getSpec().getResources().setGpusPerNode(1);
    world.gpuQuota(2, 0);
    FineTuneJob big = TrainingWorld.accepted(TrainingWorld.job("big", "2026-12-01T10:00:00Z"));
    big.getSpec().getResources().setGpusPerNode(2);
    world.others.add(big);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, QUEUED).getMessage()).contains("waiting behind 1 older job");
  }

  @Test
  void kueueJobIsCreatedSuspendedWithoutAReservationAndWaitsForKueue() {
    world.job.getSpec().setQueueName("team-a");
    world.gpuQuota(1, 1);

    var plan = decide();

    var create = (TrainingStep.CreateWorkload) plan.steps().get(0);
    assertThat(create.inputs().suspended()).isTrue();
    assertThat(plan.status().getQuotaReservation()).isNull();
    assertThat(condition(plan, QUEUED).getReason()).isEqualTo(WAITING_FOR_KUEUE);
    assertThat(condition(plan, READY).getReason()).isEqualTo("Queued");
  }

  @Test
  void admittedJobWhoseWorkloadTheCacheLacksCreatesItAgainWithoutNewConditions() {
    world.admitted();
    TrainingWorld.accepted(world.job);
    world.gpuQuota(1, 1);

    var plan = decide();

    assertThat(plan.steps()).singleElement().isInstanceOf(TrainingStep.CreateWorkload.class);
    assertThat(plan.conditions().events()).isEmpty();
    assertThat(plan.status().getQuotaReservation().getReservedAt())
        .isEqualTo("2026-12-01T10:00:01Z");
  }

  @Test
  void workloadFoundByItsNameIsAdoptedInsteadOfAdmittingTheJobAgain() {
    TrainingWorld.accepted(world.job);
    world.gpuQuota(1, 1);
    world.workload(TrainingWorld.batch(false).withNewStatus().withActive(1).endStatus());

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.status().getJobName()).isEqualTo("support-bot-v3-train-1");
    assertThat(plan.status().getAttempts()).isEqualTo(1);
    assertThat(condition(plan, RUNNING).getReason()).isEqualTo("Starting");
  }

  @Test
  void workloadTheApiServerRefusedIsReportedWithoutAReservationAndRetried() {
    world.gpuQuota(1, 0);

    var plan = decision.workloadRejected(world.snapshot(), NOW, "pods must not run as root");

    assertThat(plan.status().getQuotaReservation()).isNull();
    assertThat(plan.status().getJobName()).isNull();
    Condition running = condition(plan, RUNNING);
    assertThat(running.getReason()).isEqualTo(FineTuneJobConditions.WORKLOAD_REJECTED);
    assertThat(running.getMessage()).endsWith("pods must not run as root");
    assertThat(plan.next()).contains(RECHECK);
    assertThat(condition(plan, READY).getReason()).isEqualTo("WorkloadRejected");
  }

  // --- following the workload --------------------------------------------------------------

  @Test
  void kueueHoldingTheJobSuspendedShowsQueuedWithoutAnEvent() {
    world.job.getSpec().setQueueName("team-a");
    world.admitted();
    world.job.getStatus().setQuotaReservation(null);
    world
        .job
        .getStatus()
        .getConditions()
        .add(new Condition(QUEUED, "True", WAITING_FOR_KUEUE, "created Job"));
    world.workload(TrainingWorld.batch(true));

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, QUEUED).getReason()).isEqualTo(WAITING_FOR_KUEUE);
    assertThat(plan.conditions().events()).isEmpty();
  }

  @Test
  void kueueAdmittingTheJobIsToldOnce() {
    world.job.getSpec().setQueueName("team-a");
    world.admitted();
    world
        .job
        .getStatus()
        .getConditions()
        .add(new Condition(QUEUED, "True", WAITING_FOR_KUEUE, "created Job"));
    world.workload(TrainingWorld.batch(false).withNewStatus().withActive(1).endStatus());

    var plan = decide();

    assertThat(condition(plan, QUEUED).getStatus()).isEqualTo("False");
    assertThat(eventReasons(plan)).containsExactly(ADMITTED);
  }

  @Test
  void suspendingARunningJobSuspendsItsWorkload() {
    world.admitted();
    world.trainerRunning();
    world.job.getSpec().setSuspend(true);

    var plan = decide();

    assertThat(plan.steps())
        .containsExactly(new TrainingStep.SetSuspension("support-bot-v3-train-1", true));
    assertThat(condition(plan, RUNNING).getReason()).isEqualTo("Suspended");
  }

  @Test
  void runningTrainerIsReportedWithItsProgressAndReadAgainAfterTheInterval() {
    world.admitted();
    world.trainerRunning();
    TrainingProgress progress = new TrainingProgress();
    progress.setStep(40L);
    progress.setTotalSteps(100L);
    progress.setLoss(1.25);
    world.progress = progress;

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, RUNNING).getStatus()).isEqualTo("True");
    assertThat(condition(plan, READY).getReason()).isEqualTo("Training");
    assertThat(plan.status().getProgress().getLoss()).isEqualTo(1.25);
    assertThat(plan.status().getStartTime()).isEqualTo("2026-12-01T10:01:00Z");
    assertThat(plan.next()).contains(WorkloadSettings.fromEnvironment(Map.of()).progressInterval());
    assertThat(eventReasons(plan)).containsExactly("Training");
  }

  @Test
  void progressAloneChangesNoEvent() {
    world.admitted();
    world.trainerRunning();
    world
        .job
        .getStatus()
        .getConditions()
        .add(new Condition(RUNNING, "True", "Training", "2 training pods running"));

    assertThat(decide().conditions().events()).isEmpty();
  }

  @Test
  void failedWorkloadFailsTheJobWithTheReasonAndWhen() {
    world.admitted();
    world.workload(TrainingWorld.finished("Failed", null));

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    Condition failed = condition(plan, FAILED);
    assertThat(failed.getReason()).isEqualTo(FineTuneJobConditions.TRAINING_FAILED);
    assertThat(failed.getMessage()).startsWith("BackoffLimitExceeded");
    assertThat(plan.status().getCompletionTime()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(condition(plan, READY).getReason()).isEqualTo("TrainingFailed");
    assertThat(eventReasons(plan)).containsExactly("TrainingFailed");
  }

  @Test
  void succeededWorkloadIsPublishedFromItsAttemptsPrefix() {
    world.admitted();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T11:00:00Z"));

    var plan = decide();

    var publish = (TrainingStep.Publish) plan.steps().get(0);
    assertThat(publish.attempt().getUri())
        .isEqualTo("s3://models/fine-tuned/support-bot-v3-support-/attempt-1");
    assertThat(publish.startedOn()).isEqualTo(Instant.parse("2026-12-01T10:01:00Z"));
    assertThat(publish.finishedOn()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
    assertThat(condition(plan, RUNNING).getReason()).isEqualTo("Completed");
    assertThat(condition(plan, READY).getReason()).isEqualTo("Publishing");
  }

  @Test
  void publishedJobSucceedsWithItsModelVersionAndTheTrainersFinalProgress() {
    world.admitted();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T11:00:00Z"));
    var plan = decide();
    TrainingProgress last = new TrainingProgress();
    last.setStep(99L);
    last.setTotalSteps(100L);
    last.setLoss(0.5);

    plan =
        decision.afterPublishing(
            plan,
            world.job,
            (TrainingStep.Publish) plan.steps().get(0),
            new PublishOutcome.Published("support-bot-v3", "sha256:abc", Optional.of(last)));

    assertThat(plan.status().getModelVersion()).isEqualTo("support-bot-v3");
    assertThat(plan.status().getProgress().getStep()).isEqualTo(100L);
    assertThat(plan.status().getProgress().getPercentComplete()).isEqualTo(100);
    assertThat(plan.status().getCompletionTime()).isEqualTo("2026-12-01T11:00:00Z");
    assertThat(condition(plan, SUCCEEDED).getMessage()).contains("sha256:abc");
    assertThat(condition(plan, READY).getStatus()).isEqualTo("True");
    assertThat(plan.next()).isEmpty();
    assertThat(eventReasons(plan)).containsExactly("Published");
  }

  @Test
  void permanentPublishingFailureFailsTheJobWithItsReason() {
    world.admitted();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T11:00:00Z"));
    var plan = decide();

    plan =
        decision.afterPublishing(
            plan,
            world.job,
            (TrainingStep.Publish) plan.steps().get(0),
            new PublishOutcome.NotPublished(
                new Failure(
                    FineTuneJobConditions.ARTIFACT_INVALID, "manifest.json is not JSON", false)));

    assertThat(condition(plan, FAILED).getReason()).isEqualTo("ArtifactInvalid");
    assertThat(condition(plan, READY).getReason()).isEqualTo("ArtifactInvalid");
    assertThat(plan.next()).isEmpty();
  }

  @Test
  void retryablePublishingFailureWaitsWithItsReasonAndIsRetried() {
    world.admitted();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T11:00:00Z"));
    var plan = decide();

    plan =
        decision.afterPublishing(
            plan,
            world.job,
            (TrainingStep.Publish) plan.steps().get(0),
            new PublishOutcome.NotPublished(
                new Failure(FineTuneJobConditions.SIGNING_KEY_UNAVAILABLE, "no Secret", true)));

    Condition succeeded = condition(plan, SUCCEEDED);
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getMessage()).isEqualTo("training finished; publishing waits: no Secret");
    assertThat(condition(plan, READY).getReason()).isEqualTo("SigningKeyUnavailable");
    assertThat(plan.next()).contains(RECHECK);
    assertThat(plan.status().getCompletionTime()).isNull();
  }

  @Test
  void finishedJobTakesNoFurtherStep() {
    world.admitted();
    world
        .job
        .getStatus()
        .getConditions()
        .add(new Condition(SUCCEEDED, "True", "Published", "published"));
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T11:00:00Z"));

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.next()).isEmpty();
    assertThat(condition(plan, READY).getStatus()).isEqualTo("True");
  }

  @Test
  void theObservedStatusIsNeverChangedByADecision() {
    var json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    world.admitted();
    world.workload(TrainingWorld.finished("Failed", null));
    String before = json.asJson(world.job);

    decide();

    assertThat(json.asJson(world.job)).isEqualTo(before);
  }
}
