package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whole lives of a ModelDeployment driven through {@link ServingLoop} against {@link
 * TestingServingActions}: each reconcile sees what the last one wrote and what the cluster did.
 */
class ServingLoopTest {

  final ServingWorld world = new ServingWorld();
  final TestingServingActions actions = new TestingServingActions(world);
  final ServingLoop loop =
      new ServingLoop(new ServingDecision(Duration.ofSeconds(30), Optional.empty()), actions);
  final List<String> readyReasons = new ArrayList<>();
  final List<String> events = new ArrayList<>();
  Instant now = Instant.parse("2026-12-01T12:00:00Z");

  ServingPlan reconcile() {
    ServingPlan plan = loop.run(world.snapshot(), now);
    world.reported(plan);
    readyReasons.add(plan.conditions().get("Ready").orElseThrow().getReason());
    plan.conditions().events().forEach(e -> events.add(e.type() + " " + e.reason()));
    now = now.plusSeconds(5);
    return plan;
  }

  @Test
  void aDeploymentWaitsForVerificationIsCreatedProgressesServesAndIsDegradedByARefusingPod() {
    world.adapter("support", "support-v3");
    world.verification(BASE, Condition.UNKNOWN, "Verifying", "a Job checks every digest");

    reconcile();
    reconcile();
    assertThat(actions.steps).isEmpty();

    world.verified(BASE);
    reconcile();
    assertThat(actions.steps).as("the adapter is not verified yet").isEmpty();

    world.verified("support-v3");
    ServingPlan creating = reconcile();
    assertThat(actions.applied())
        .containsExactly(
            "create ConfigMap/support-bot-llama-3-1-8b-adapters",
            "create Service/support-bot-llama-3-1-8b",
            "create Service/support-bot",
            "create Deployment/support-bot-llama-3-1-8b");
    assertThat(creating.conditions().get("Progressing").orElseThrow().getReason())
        .isEqualTo(ModelDeploymentConditions.APPLYING);

    world.workloadReports(BASE, 2, 0);
    reconcile();
    world.workloadReports(BASE, 2, 1);
    ServingPlan half = reconcile();
    assertThat(half.status().getReady()).isEqualTo("1/2");
    assertThat(half.conditions().get("Available").orElseThrow().getStatus()).isEqualTo("True");

    world.workloadReports(BASE, 2, 2);
    ServingPlan serving = reconcile();
    assertThat(serving.conditions().get("Ready").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(serving.status().getAdapters().get(0).getReady()).isEqualTo("2/2");

    // A third replica is scaled in; its init container finds a flipped byte.
    world.replicas(3);
    reconcile();
    world.workloadReports(BASE, 3, 2);
    world.refusingPod(
        BASE,
        "support-bot-llama-3-1-8b-5c-abc",
        1,
        "verification failed (DIGEST_MISMATCH, model-00002-of-00004.safetensors): the file's"
            + " sha256 differs from the signed manifest");
    ServingPlan degraded = reconcile();

    assertThat(degraded.conditions().get("Degraded").orElseThrow().getMessage())
        .contains("model-00002-of-00004.safetensors");
    assertThat(readyReasons)
        .containsSubsequence(
            ModelDeploymentConditions.AWAITING_VERIFICATION,
            ModelDeploymentConditions.NO_READY_REPLICAS,
            ModelDeploymentConditions.READY_REASON,
            ModelDeploymentConditions.DIGEST_MISMATCH);
    assertThat(events)
        .containsSubsequence(
            "Normal Valid",
            "Normal AwaitingVerification",
            "Normal Created",
            "Normal Serving",
            "Normal RolledOut",
            "Warning DigestMismatch");
    // Every object was created once and corrected only for the scale.
    assertThat(actions.applied())
        .containsExactly(
            "create ConfigMap/support-bot-llama-3-1-8b-adapters",
            "create Service/support-bot-llama-3-1-8b",
            "create Service/support-bot",
            "create Deployment/support-bot-llama-3-1-8b",
            "correct Deployment/support-bot-llama-3-1-8b");
  }

  @Test
  void anObjectTheApiServerRefusesMakesTheDeploymentDegradedAndStopsTheStepsAfterIt() {
    world.verified(BASE);
    actions.refusedKinds.add("Service");

    ServingPlan plan = reconcile();

    assertThat(actions.applied())
        .containsExactly("create ConfigMap/support-bot-llama-3-1-8b-adapters");
    Condition degraded = plan.conditions().get("Degraded").orElseThrow();
    assertThat(degraded.getReason()).isEqualTo(ModelDeploymentConditions.WORKLOAD_REJECTED);
    assertThat(degraded.getMessage())
        .contains("admission webhook", "Service support-bot-llama-3-1-8b");
    assertThat(plan.next()).contains(Duration.ofSeconds(30));

    actions.refusedKinds.clear();
    reconcile();
    assertThat(actions.applied()).hasSize(4);
  }
}
