package dev.lathe.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutAbort;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMetricsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ModelDeploymentMetrics metrics = new ModelDeploymentMetrics(registry);

  static ModelDeployment rolling(String name, Integer weight, boolean aborted) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ml").build());
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setCanaryVersion(weight == null ? null : "v4");
    status.setCanaryWeight(weight);
    if (aborted) {
      RolloutAbort abort = new RolloutAbort();
      abort.setVersion("v4");
      status.setAbort(abort);
    }
    md.setStatus(status);
    return md;
  }

  @Test
  void eachDeploymentsCanaryWeightAndTheRolloutsUnderWayAreReadFromTheCacheWhenScraped() {
    List<ModelDeployment> cache = new ArrayList<>();
    cache.add(rolling("a", 25, false));
    cache.add(rolling("b", 0, true));
    cache.add(rolling("c", null, false));
    metrics.countFrom(() -> cache);
    metrics.rollouts().weighs("ml", "a");
    metrics.rollouts().weighs("ml", "a");

    assertThat(
            registry.get(RolloutMetrics.CANARY_WEIGHT).tag("modeldeployment", "a").gauge().value())
        .isEqualTo(25);
    assertThat(registry.get(RolloutMetrics.IN_PROGRESS).gauge().value()).isEqualTo(1);

    cache.set(0, rolling("a", 50, false));
    assertThat(
            registry.get(RolloutMetrics.CANARY_WEIGHT).tag("modeldeployment", "a").gauge().value())
        .isEqualTo(50);
  }

  @Test
  void aDeploymentWhoseLastAbortWasAnEarlierCandidateCountsAsRollingOut() {
    ModelDeployment md = rolling("a", 10, true);
    md.getStatus().setCanaryVersion("v5");
    metrics.countFrom(() -> List.of(md));

    assertThat(registry.get(RolloutMetrics.IN_PROGRESS).gauge().value()).isEqualTo(1);
  }

  @Test
  void aRolloutsEndIsCountedOncePerCandidateByOutcome() {
    metrics.rollouts().ended("uid-1/v4", "GateFailed");
    metrics.rollouts().ended("uid-1/v4", "GateFailed");
    metrics.rollouts().ended("uid-1/v5", "Promoted");
    metrics.rollouts().ended("uid-2/v5", "Promoted");

    assertThat(metrics.rollouts().ended("GateFailed")).isEqualTo(1);
    assertThat(metrics.rollouts().ended("Promoted")).isEqualTo(2);
    assertThat(metrics.rollouts().ended("RolloutAborted")).isZero();
  }

  @Test
  void aGateRunsVerdictIsCountedAndTimedOncePerRun() {
    metrics.rollouts().gateEnded("uid-1/md-gate-0-ab", "Passed", java.time.Duration.ofSeconds(30));
    metrics.rollouts().gateEnded("uid-1/md-gate-0-ab", "Passed", java.time.Duration.ofSeconds(31));
    metrics.rollouts().gateEnded("uid-1/md-gate-1-ab", "Failed", java.time.Duration.ofSeconds(40));

    assertThat(metrics.rollouts().gateRuns("Passed")).isEqualTo(1);
    assertThat(metrics.rollouts().gateRuns("Failed")).isEqualTo(1);
    assertThat(
            registry
                .get(RolloutMetrics.GATE_DURATION)
                .tag("verdict", "Passed")
                .timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(30);
  }
}
