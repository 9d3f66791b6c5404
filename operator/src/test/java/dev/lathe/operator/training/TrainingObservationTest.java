package dev.lathe.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingObservationTest {

  private static JobBuilder job() {
    return new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewSpec().endSpec();
  }

  private static Pod failedTrainer(String message) {
    return new PodBuilder()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("trainer")
                .withNewState()
                .withNewTerminated()
                .withExitCode(1)
                .withMessage(message)
                .withFinishedAt("2026-11-25T10:00:00Z")
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  @Test
  void failedJobCarriesTheTrainersTerminationMessage() {
    Job failed =
        job()
            .withNewStatus()
            .addNewCondition()
            .withType("Failed")
            .withStatus("True")
            .withReason("BackoffLimitExceeded")
            .withMessage("Job has reached the specified backoff limit")
            .endCondition()
            .endStatus()
            .build();

    TrainingObservation seen =
        TrainingObservation.of(failed, List.of(failedTrainer("dataset line 7: not JSON")));

    assertThat(seen.state()).isEqualTo(TrainingObservation.State.FAILED);
    assertThat(seen.message())
        .isEqualTo(
            "BackoffLimitExceeded — Job has reached the specified backoff limit: trainer exited 1:"
                + " dataset line 7: not JSON");
  }

  @Test
  void runningTrainerContainerIsRunningAndAnInitialisingPodIsStarting() {
    Job active = job().withNewStatus().withActive(1).endStatus().build();
    Pod initialising =
        new PodBuilder()
            .withNewStatus()
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("fetch")
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build();
    Pod training =
        new PodBuilder()
            .withNewStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build();

    assertThat(TrainingObservation.of(active, List.of(initialising)).state())
        .isEqualTo(TrainingObservation.State.STARTING);
    assertThat(TrainingObservation.of(active, List.of(training)).state())
        .isEqualTo(TrainingObservation.State.RUNNING);
  }

  @Test
  void retriedPodsAreCountedWhileTheJobIsStillTrying() {
    Job retrying = job().withNewStatus().withActive(1).withFailed(1).endStatus().build();

    TrainingObservation seen =
        TrainingObservation.of(retrying, List.of(failedTrainer("preempted")));

    assertThat(seen.state()).isEqualTo(TrainingObservation.State.STARTING);
    assertThat(seen.message()).contains("1 pod failed so far (last: trainer exited 1: preempted)");
  }

  @Test
  void suspendedAndCompleteJobsAreSaidSo() {
    Job suspended = job().editSpec().withSuspend(true).endSpec().build();
    Job complete =
        job()
            .withNewStatus()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();

    assertThat(TrainingObservation.of(suspended, List.of()).state())
        .isEqualTo(TrainingObservation.State.SUSPENDED);
    assertThat(TrainingObservation.of(complete, List.of()).state())
        .isEqualTo(TrainingObservation.State.SUCCEEDED);
  }

  @Test
  void progressJsonBecomesAStatusWithAWholePercentage() {
    var progress =
        ProgressReader.parse(
            ("{\"step\": 30, \"totalSteps\": 120, \"loss\": 1.234567, \"tokensPerSecond\": 812.5,"
                    + " \"estimatedCompletionTime\": \"2026-11-25T11:00:00Z\"}")
                .getBytes());
    assertThat(progress.getPercentComplete()).isEqualTo(25);
    assertThat(progress.getLoss()).isEqualTo(1.2346);
    assertThat(progress.getEstimatedCompletionTime()).isEqualTo("2026-11-25T11:00:00Z");
  }
}
