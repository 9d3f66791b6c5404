package dev.lathe.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDeploymentMetricsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ModelDeploymentMetrics metrics = new ModelDeploymentMetrics(registry);

  static ModelDeployment serving(int ready, int... adapterReplicas) {
    ModelDeployment md = new ModelDeployment();
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setReadyReplicas(ready);
    status.setAdapters(
        java.util.Arrays.stream(adapterReplicas)
            .mapToObj(
                r -> {
                  AdapterServingStatus a = new AdapterServingStatus();
                  a.setReadyReplicas(r);
                  return a;
                })
            .toList());
    md.setStatus(status);
    return md;
  }

  @Test
  void readyPodsAndLoadedAdaptersAreSummedFromTheCachedStatusesWhenScraped() {
    metrics.countFrom(() -> List.of(serving(2, 2, 1), serving(3), new ModelDeployment()));

    assertThat(registry.get(ModelDeploymentMetrics.READY_PODS).gauge().value()).isEqualTo(5);
    assertThat(registry.get(ModelDeploymentMetrics.ADAPTERS_LOADED).gauge().value()).isEqualTo(3);
  }

  @Test
  void aRefusalIsCountedOncePerContainerExitHoweverManyReconcilesSeeIt() {
    metrics.refused("pod-a/fetch-and-verify/1", "DigestMismatch");
    metrics.refused("pod-a/fetch-and-verify/1", "DigestMismatch");
    metrics.refused("pod-a/fetch-and-verify/2", "DigestMismatch");
    metrics.refused("pod-b/fetch-and-verify/0", "FetchFailed");

    assertThat(metrics.refusals("DigestMismatch")).isEqualTo(2);
    assertThat(metrics.refusals("FetchFailed")).isEqualTo(1);
    assertThat(metrics.refusals("UntrustedKey")).isZero();
  }
}
