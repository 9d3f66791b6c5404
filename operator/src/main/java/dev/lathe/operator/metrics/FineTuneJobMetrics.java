package dev.lathe.operator.metrics;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.status.StatusConditions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * FineTuneJob figures for /metrics: jobs by state (counted from the informer's cache when scraped,
 * so they never drift from the cluster), how long jobs waited for quota, and how long training
 * took.
 */
public class FineTuneJobMetrics {

  public static final String STATE_GAUGE = "lathe_finetunejobs";
  public static final String QUEUE_WAIT = "lathe_finetunejob_queue_wait";
  public static final String TRAINING_DURATION = "lathe_finetunejob_training_duration";

  private final MeterRegistry registry;
  private final Timer queueWait;
  private final Timer succeeded;
  private final Timer failed;
  private final Map<String, Instant> queuedSince = new ConcurrentHashMap<>();
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  private volatile Supplier<Collection<FineTuneJob>> jobs = java.util.List::of;

  public FineTuneJobMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queueWait =
        Timer.builder(QUEUE_WAIT)
            .description("Time from a FineTuneJob's creation to its admission")
            .register(registry);
    this.succeeded = trainingTimer("succeeded");
    this.failed = trainingTimer("failed");
    for (String state : new String[] {"queued", "running", "succeeded", "failed", "other"}) {
      Gauge.builder(STATE_GAUGE, () -> count(state))
          .description("FineTuneJobs by state")
          .tag("state", state)
          .register(registry);
    }
  }

  /** Where the gauges count from: the reconciler's cache of FineTuneJobs. */
  public void countFrom(Supplier<Collection<FineTuneJob>> jobs) {
    this.jobs = jobs;
  }

  public void queued(FineTuneJob job) {
    queuedSince.putIfAbsent(job.getMetadata().getUid(), Instant.now());
  }

  public void admitted(FineTuneJob job, Instant now) {
    queuedSince.remove(job.getMetadata().getUid());
    Optional.ofNullable(job.getMetadata().getCreationTimestamp())
        .map(Instant::parse)
        .ifPresent(created -> queueWait.record(Duration.between(created, now)));
  }

  public void finished(FineTuneJob job, boolean success) {
    if (!finished.add(job.getMetadata().getUid())) {
      return;
    }
    FineTuneJobStatus status = job.getStatus();
    if (status.getStartTime() != null && status.getCompletionTime() != null) {
      (success ? succeeded : failed)
          .record(
              Duration.between(
                  Instant.parse(status.getStartTime()), Instant.parse(status.getCompletionTime())));
    }
  }

  static String state(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    if (StatusConditions.isTrue(status, FineTuneJobStatus.SUCCEEDED)) {
      return "succeeded";
    }
    if (StatusConditions.isTrue(status, FineTuneJobStatus.FAILED)) {
      return "failed";
    }
    if (StatusConditions.isTrue(status, FineTuneJobStatus.RUNNING)) {
      return "running";
    }
    if (StatusConditions.isTrue(status, FineTuneJobStatus.QUEUED)) {
      return "queued";
    }
    return "other";
  }

  private double count(String state) {
    return jobs.get().stream().filter(j -> state(j).equals(state)).count();
  }

  private Timer trainingTimer(String outcome) {
    return Timer.builder(TRAINING_DURATION)
        .description("Time from a FineTuneJob's first training pod to its end")
        .tag("outcome", outcome)
        .register(registry);
  }
}
