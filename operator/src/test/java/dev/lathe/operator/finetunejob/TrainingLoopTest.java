package dev.lathe.operator.finetunejob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.PlannedEvent;
import dev.lathe.operator.status.StatusConditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A FineTuneJob driven through whole lives by the real decision and loop against {@link
 * TestingTrainingActions}: each pass observes the world, decides, acts, and writes the decided
 * status back as the report would. Milliseconds, no server.
 */
class TrainingLoopTest {

  static final Duration RECHECK = Duration.ofSeconds(30);

  final TrainingWorld world = new TrainingWorld();
  final TestingTrainingActions actions = new TestingTrainingActions(this::apply);
  final TrainingLoop loop =
      new TrainingLoop(
          new TrainingDecision(WorkloadSettings.fromEnvironment(Map.of()), RECHECK), actions);
  final List<PlannedEvent> events = new ArrayList<>();
  Instant now = Instant.parse("2026-12-01T12:00:00Z");

  /** What the API server would do with a step: the Job appears, or its suspension changes. */
  private void apply(TrainingStep step) {
    if (step instanceof TrainingStep.CreateWorkload create) {
      world.workload(TrainingWorld.batch(create.inputs().suspended()));
    } else if (step instanceof TrainingStep.SetSuspension suspension) {
      world.workload.getSpec().setSuspend(suspension.suspend());
    }
  }

  /** One reconcile: observe, decide and act, then report (the status written, its Events told). */
  private Plan<FineTuneJobStatus, TrainingStep> pass() {
    Plan<FineTuneJobStatus, TrainingStep> plan = loop.run(world.snapshot(), now);
    world.job.setStatus(plan.status());
    events.addAll(plan.conditions().events());
    now = now.plusSeconds(10);
    return plan;
  }

  private String reason(String type) {
    return StatusConditions.find(world.job.getStatus().getConditions(), type)
        .map(Condition::getReason)
        .orElse(null);
  }

  private List<String> told() {
    return events.stream().map(PlannedEvent::reason).toList();
  }

  @Test
  void jobLivesFromAcceptedThroughQueuedAdmittedRunningAndPublishingToPublished() {
    world.gpuQuota(1, 1);

    pass();
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("Queued");
    pass();
    assertThat(actions.taken).isEmpty();

    world.quotas.clear();
    world.gpuQuota(1, 0);
    pass();
    assertThat(reason(FineTuneJobConditions.QUEUED)).isEqualTo("Admitted");
    assertThat(actions.count(TrainingStep.CreateWorkload.class)).isEqualTo(1);
    pass();
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("Starting");

    world.trainerRunning();
    pass();
    pass();
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("Training");

    world.pods.clear();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T13:00:00Z"));
    actions.publishing.add(
        new PublishOutcome.NotPublished(
            new Failure(FineTuneJobConditions.STORAGE_UNAVAILABLE, "connection refused", true)));
    Plan<FineTuneJobStatus, TrainingStep> waiting = pass();
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("StorageUnavailable");
    assertThat(waiting.next()).contains(RECHECK);

    actions.publishing.add(
        new PublishOutcome.Published("support-bot-v3", "sha256:abc", Optional.empty()));
    pass();
    pass();
    pass();

    assertThat(world.job.getStatus().getModelVersion()).isEqualTo("support-bot-v3");
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("Published");
    assertThat(actions.count(TrainingStep.CreateWorkload.class)).isEqualTo(1);
    assertThat(actions.count(TrainingStep.Publish.class)).isEqualTo(2);
    // One Event per change, however many passes saw the same state.
    assertThat(told())
        .containsExactly(
            AcceptanceReasons.VALID,
            "QuotaExceeded",
            "Admitted",
            "Training",
            "StorageUnavailable",
            "Published");
  }

  @Test
  void refusedWorkloadIsRetriedWithoutHoldingQuotaAndCreatedOnceAllowed() {
    world.gpuQuota(1, 0);
    actions.rejections.add("violates PodSecurity restricted");

    pass();
    assertThat(reason(FineTuneJobConditions.RUNNING)).isEqualTo("WorkloadRejected");
    assertThat(world.job.getStatus().getQuotaReservation()).isNull();
    pass();

    assertThat(reason(FineTuneJobConditions.QUEUED)).isEqualTo("Admitted");
    assertThat(world.job.getStatus().getQuotaReservation().getGpus()).isEqualTo(1L);
    assertThat(actions.count(TrainingStep.CreateWorkload.class)).isEqualTo(2);
    assertThat(told()).containsExactly(AcceptanceReasons.VALID, "WorkloadRejected", "Admitted");
  }

  @Test
  void failedTrainingEndsTheJobWithTheReasonAndNothingIsPublished() {
    world.gpuQuota(1, 0);
    pass();
    world.workload(TrainingWorld.finished("Failed", null));

    pass();
    pass();

    assertThat(reason(FineTuneJobConditions.FAILED)).isEqualTo("TrainingFailed");
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("TrainingFailed");
    assertThat(actions.count(TrainingStep.Publish.class)).isZero();
    assertThat(told()).containsExactly(AcceptanceReasons.VALID, "Admitted", "TrainingFailed");
  }

  @Test
  void suspendedAndResumedJobSuspendsAndResumesItsWorkload() {
    world.gpuQuota(1, 0);
    pass();
    world.trainerRunning();
    pass();

    world.job.getSpec().setSuspend(true);
    world.job.getMetadata().setGeneration(2L);
    pass();
    world.pods.clear();
    pass();
    assertThat(reason(FineTuneJobConditions.READY)).isEqualTo("Suspended");

    world.job.getSpec().setSuspend(false);
    world.job.getMetadata().setGeneration(3L);
    pass();

    assertThat(actions.taken)
        .filteredOn(TrainingStep.SetSuspension.class::isInstance)
        .containsExactly(
            new TrainingStep.SetSuspension("support-bot-v3-train-1", true),
            new TrainingStep.SetSuspension("support-bot-v3-train-1", false));
  }

  @Test
  void permanentPublishingFailureFailsTheJobOnce() {
    world.admitted();
    world.workload(TrainingWorld.finished("Complete", "2026-12-01T13:00:00Z"));
    actions.publishing.add(
        new PublishOutcome.NotPublished(
            new Failure(FineTuneJobConditions.ARTIFACT_INCOMPLETE, "no manifest", false)));

    pass();
    pass();

    assertThat(reason(FineTuneJobConditions.FAILED)).isEqualTo("ArtifactIncomplete");
    assertThat(actions.count(TrainingStep.Publish.class)).isEqualTo(1);
  }
}
