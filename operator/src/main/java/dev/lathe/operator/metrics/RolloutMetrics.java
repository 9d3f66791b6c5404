package dev.lathe.operator.metrics;

import dev.lathe.api.v1alpha1.ModelDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Canary rollout figures for /metrics: rollouts ended, by outcome (Promoted, GateFailed,
 * GateErrored, CandidateUnhealthy, RolloutAborted), each counted once per candidate however many
 * reconciles see it; rollouts in progress; and each ModelDeployment's current canary weight, read
 * from the reconciler's cache of ModelDeployments when scraped so it never drifts from the status;
 * and evaluation gate runs by verdict with their durations.
 */
public class RolloutMetrics {

  public static final String ROLLOUTS = "lathe_modeldeployment_rollouts";
  public static final String IN_PROGRESS = "lathe_modeldeployment_rollouts_in_progress";
  public static final String CANARY_WEIGHT = "lathe_modeldeployment_canary_weight";
  public static final String GATE_RUNS = "lathe_modeldeployment_gate_runs";
  public static final String GATE_DURATION = "lathe_modeldeployment_gate_duration";

  private final MeterRegistry registry;
  private final Set<String> counted = ConcurrentHashMap.newKeySet();
  private final Set<String> weighed = ConcurrentHashMap.newKeySet();
  private final Set<String> gates = ConcurrentHashMap.newKeySet();
  private volatile Supplier<Collection<ModelDeployment>> deployments = List::of;

  public RolloutMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(
            IN_PROGRESS,
            () ->
                deployments.get().stream()
                    .filter(md -> md.getStatus() != null)
                    .filter(md -> md.getStatus().getCanaryVersion() != null)
                    .filter(
                        md ->
                            md.getStatus().getAbort() == null
                                || !md.getStatus()
                                    .getCanaryVersion()
                                    .equals(md.getStatus().getAbort().getVersion()))
                    .count())
        .description("ModelDeployments with a canary rollout under way")
        .register(registry);
  }

  /** Where the gauges read from: the reconciler's cache of ModelDeployments. */
  public void countFrom(Supplier<Collection<ModelDeployment>> deployments) {
    this.deployments = deployments;
  }

  /**
   * Counts a rollout's end once.
   *
   * @param candidate what identifies the rollout: the ModelDeployment's uid and candidate digest
   */
  public void ended(String candidate, String outcome) {
    if (counted.add(candidate + "/" + outcome)) {
      Counter.builder(ROLLOUTS)
          .description("Canary rollouts ended, by outcome")
          .tag("outcome", outcome)
          .register(registry)
          .increment();
    }
  }

  public double ended(String outcome) {
    Counter counter = registry.find(ROLLOUTS).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * Counts a gate run's verdict and times it, once per run however many reconciles see it.
   *
   * @param run what identifies the run: the ModelDeployment's uid and the run's Job name
   */
  public void gateEnded(String run, String verdict, Duration duration) {
    if (gates.add(run)) {
      Counter.builder(GATE_RUNS)
          .description("Evaluation gate runs that reached a verdict, by verdict")
          .tag("verdict", verdict)
          .register(registry)
          .increment();
      Timer.builder(GATE_DURATION)
          .description("How long evaluation gate runs took, from their start to their verdict")
          .tag("verdict", verdict)
          .register(registry)
          .record(duration);
    }
  }

  public double gateRuns(String verdict) {
    Counter counter = registry.find(GATE_RUNS).tag("verdict", verdict).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Registers the canary weight gauge of a ModelDeployment, once. */
  public void weighs(String namespace, String name) {
    if (weighed.add(namespace + "/" + name)) {
      Gauge.builder(CANARY_WEIGHT, () -> weight(namespace, name))
          .description("The canary's percentage of traffic (0 without a rollout)")
          .tag("namespace", namespace)
          .tag("modeldeployment", name)
          .register(registry);
    }
  }

  private double weight(String namespace, String name) {
    return deployments.get().stream()
        .filter(md -> Objects.equals(namespace, md.getMetadata().getNamespace()))
        .filter(md -> Objects.equals(name, md.getMetadata().getName()))
        .findFirst()
        .map(ModelDeployment::getStatus)
        .map(s -> Optional.ofNullable(s.getCanaryWeight()).orElse(0))
        .orElse(0);
  }
}
