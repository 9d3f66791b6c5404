package dev.lathe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.Fixtures;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptanceReportTest {

  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final AcceptanceReport report =
      new AcceptanceReport(events, Clock.systemUTC(), Duration.ofSeconds(30));

  private static FineTuneJob job(long generation) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setGeneration(generation);
    return job;
  }

  @Test
  void firstVerdictIsPatchedWithObservedGenerationAndAnnouncedOnce() {
    FineTuneJob job = job(4);

    UpdateControl<FineTuneJob> control =
        report.report(job, new Acceptance(List.of()), FineTuneJobStatus::new);

    assertThat(control.isPatchStatus()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(job.getStatus().getObservedGeneration()).isEqualTo(4);
    assertThat(job.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Accepted");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getObservedGeneration()).isEqualTo(4);
            });
    assertThat(events.events)
        .extracting(RecordingEventRecorder.Recorded::reason)
        .containsExactly("Valid");
  }

  @Test
  void unchangedVerdictWritesNothingAndRecordsNoEvent() {
    FineTuneJob job = job(1);
    report.report(job, new Acceptance(List.of()), FineTuneJobStatus::new);

    UpdateControl<FineTuneJob> again =
        report.report(job, new Acceptance(List.of()), FineTuneJobStatus::new);

    assertThat(again.isNoUpdate()).isTrue();
    assertThat(events.events).hasSize(1);
  }

  @Test
  void rejectionForAMissingObjectIsAWarningAndIsLookedAtAgain() {
    FineTuneJob job = job(1);
    Acceptance missing =
        new Acceptance(List.of(Problem.missing("SecretNotFound", "spec.x: Secret s not found")));

    UpdateControl<FineTuneJob> control = report.report(job, missing, FineTuneJobStatus::new);

    assertThat(control.isPatchStatus()).isTrue();
    assertThat(control.getScheduleDelay()).contains(Duration.ofSeconds(30).toMillis());
    assertThat(events.events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.reason()).isEqualTo("SecretNotFound");
              assertThat(e.message()).isEqualTo("spec.x: Secret s not found");
            });
  }

  @Test
  void newGenerationWithTheSameVerdictUpdatesObservedGenerationOnly() {
    FineTuneJob job = job(1);
    report.report(job, new Acceptance(List.of()), FineTuneJobStatus::new);
    job.getMetadata().setGeneration(2L);

    UpdateControl<FineTuneJob> control =
        report.report(job, new Acceptance(List.of()), FineTuneJobStatus::new);

    assertThat(control.isPatchStatus()).isTrue();
    assertThat(job.getStatus().getObservedGeneration()).isEqualTo(2);
    assertThat(events.events).hasSize(1);
  }
}
