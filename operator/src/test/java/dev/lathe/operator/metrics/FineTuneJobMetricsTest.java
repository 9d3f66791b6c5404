package dev.lathe.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FineTuneJobMetricsTest {

  private static FineTuneJob job(String name, String condition) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setName(name);
    job.getMetadata().setUid(name);
    job.getMetadata().setCreationTimestamp("2026-11-25T10:00:00Z");
    job.setStatus(new FineTuneJobStatus());
    if (condition != null) {
      job.getStatus().getConditions().add(new Condition(condition, "True", "Because", ""));
    }
    return job;
  }

  @Test
  void jobsAreCountedByStateFromTheCacheWhenScraped() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FineTuneJobMetrics metrics = new FineTuneJobMetrics(registry);
    metrics.countFrom(
        () ->
            List.of(
                job("a", "Queued"),
                job("b", "Running"),
                job("c", "Running"),
                job("d", "Succeeded"),
                job("e", null)));

    assertThat(registry.get("lathe_finetunejobs").tag("state", "running").gauge().value())
        .isEqualTo(2);
    assertThat(registry.get("lathe_finetunejobs").tag("state", "queued").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("lathe_finetunejobs").tag("state", "failed").gauge().value()).isZero();
  }

  @Test
  void queueWaitIsCreationToAdmissionAndTrainingTimeIsRecordedOncePerJob() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FineTuneJobMetrics metrics = new FineTuneJobMetrics(registry);
    FineTuneJob job = job("a", "Succeeded");
    job.getStatus().setStartTime("2026-11-25T10:05:00Z");
    job.getStatus().setCompletionTime("2026-11-25T10:35:00Z");

    metrics.admitted(job, Instant.parse("2026-11-25T10:02:00Z"));
    metrics.finished(job, true);
    metrics.finished(job, true);

    assertThat(registry.get("lathe_finetunejob_queue_wait").timer().totalTime(TimeUnit.SECONDS))
        .isEqualTo(120);
    var training =
        registry.get("lathe_finetunejob_training_duration").tag("outcome", "succeeded").timer();
    assertThat(training.count()).isEqualTo(1);
    assertThat(training.totalTime(TimeUnit.MINUTES)).isEqualTo(30);
  }
}
