package dev.lathe.operator.metrics;

import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.ModelDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * ModelDeployment figures for /metrics: serving pods ready and adapters loaded (summed from the
 * reconciler's cache of ModelDeployments when scraped, so they never drift from the statuses), and
 * verification refusals, counted once per refusing container exit, by reason.
 */
public class ModelDeploymentMetrics {

  public static final String READY_PODS = "lathe_modeldeployment_ready_pods";
  public static final String ADAPTERS_LOADED = "lathe_modeldeployment_adapters_loaded";
  public static final String REFUSALS = "lathe_modeldeployment_verification_refusals";

  private final MeterRegistry registry;
  private final Set<String> counted = ConcurrentHashMap.newKeySet();
  private final RolloutMetrics rollouts;
  private volatile Supplier<Collection<ModelDeployment>> deployments = List::of;

  public ModelDeploymentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rollouts = new RolloutMetrics(registry);
    Gauge.builder(READY_PODS, () -> sum(false))
        .description("Verified, ready runtime pods of all ModelDeployments")
        .register(registry);
    Gauge.builder(ADAPTERS_LOADED, () -> sum(true))
        .description("Adapter replicas loaded: for each adapter, the ready pods serving it")
        .register(registry);
  }

  /** Where the gauges sum from: the reconciler's cache of ModelDeployments. */
  public void countFrom(Supplier<Collection<ModelDeployment>> deployments) {
    this.deployments = deployments;
    rollouts.countFrom(deployments);
  }

  /** The canary rollout figures, read from the same cache. */
  public RolloutMetrics rollouts() {
    return rollouts;
  }

  /**
   * Counts a pod's refusal once however many reconciles see it.
   *
   * @param exitKey what identifies one exit: the pod's uid, container and restart count
   */
  public void refused(String exitKey, String reason) {
    if (counted.add(exitKey)) {
      Counter.builder(REFUSALS)
          .description("Runtime pod containers that refused or could not fetch their artifact")
          .tag("reason", reason)
          .register(registry)
          .increment();
    }
  }

  public double refusals(String reason) {
    Counter counter = registry.find(REFUSALS).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private double sum(boolean adapters) {
    double total = 0;
    for (ModelDeployment md : deployments.get()) {
      if (md.getStatus() == null) {
        continue;
      }
      if (adapters) {
        for (AdapterServingStatus a :
            Optional.ofNullable(md.getStatus().getAdapters()).orElse(List.of())) {
          total += Optional.ofNullable(a.getReadyReplicas()).orElse(0);
        }
      } else {
        total += Optional.ofNullable(md.getStatus().getReadyReplicas()).orElse(0);
      }
    }
    return total;
  }
}
