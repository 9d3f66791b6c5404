package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.RolloutHarness.NEXT;
import static dev.lathe.operator.modeldeployment.RolloutHarness.condition;
import static dev.lathe.operator.modeldeployment.RolloutHarness.gated;
import static dev.lathe.operator.modeldeployment.RolloutHarness.paused;
import static dev.lathe.operator.modeldeployment.RolloutHarness.reason;
import static dev.lathe.operator.modeldeployment.RolloutHarness.step;
import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Approval;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Hold;
import dev.lathe.operator.serving.ServingNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Whole rollouts through {@link ServingLoop} against the fakes, including operators restarted in
 * the middle: a new loop, decision and gate over the same cluster state resume the same step.
 */
class RolloutLoopTest {

  static final String SUFFIX = ServingWorld.digestOf(NEXT).substring(7, 15);
  static final String GATE_0 = "support-bot-gate-0-" + SUFFIX;
  static final String GATE_1 = "support-bot-gate-1-" + SUFFIX;

  @Test
  void aBetterCandidateIsPromotedThroughTwoGatedStepsAndTheOldStableIsRemoved() {
    RolloutHarness h = new RolloutHarness(4, gated(step(25)), gated(paused(50, "10m")));

    h.until(ModelDeploymentConditions.GATE_RUNNING);
    assertThat(h.replicasOf(NEXT)).isEqualTo(1);
    assertThat(h.replicasOf(BASE)).isEqualTo(3);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Passed,
        "200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.88, 0.84, true));

    h.until(ModelDeploymentConditions.STEP_PAUSED);
    assertThat(h.replicasOf(NEXT)).isEqualTo(2);
    assertThat(h.replicasOf(BASE)).isEqualTo(2);
    assertThat(h.last.status().getCanaryWeight()).isEqualTo(50);
    h.now = h.now.plus(Duration.ofMinutes(10));

    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_1,
        AnalysisVerdict.Passed,
        "200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.87, 0.84, true));

    ServingPlan promoted = h.untilPlan(p -> p.rolloutEnded().isPresent(), "the promotion");
    assertThat(promoted.rolloutEnded()).contains(ModelDeploymentConditions.PROMOTED);
    assertThat(promoted.status().getHistory().get(0).getGate())
        .isEqualTo("the evaluation gate passed at steps 0, 1");
    assertThat(promoted.status().getAnalysisRuns())
        .extracting(AnalysisRun::getVerdict)
        .containsExactly(AnalysisVerdict.Passed, AnalysisVerdict.Passed);

    h.now = h.now.plus(Duration.ofMinutes(1));
    h.reconcile();
    h.reconcile();
    assertThat(h.world.objects.keySet()).noneMatch(k -> k.contains(BASE));
    assertThat(h.jobs()).containsExactly(GATE_0, GATE_1);
    assertThat(h.events)
        .containsSubsequence(
            "Normal RolloutStarted",
            "Normal GateVerdict",
            "Normal StepCompleted",
            "Normal StepPaused",
            "Normal GateVerdict",
            "Normal Promoted");
  }

  @Test
  void aWorseCandidateIsRolledBackAtTheFirstGateAndAllTrafficReturnsToStable() {
    RolloutHarness h = new RolloutHarness(4, gated(step(25)), gated(step(50)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Failed,
        "200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.41, 0.84, false));

    ServingPlan plan = h.reconcile();
    h.world.settle();
    h.reconcile();

    assertThat(reason(plan, "Degraded")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(condition(plan, "Degraded").getMessage())
        .contains("accuracy: candidate 0.41, stable 0.84");
    assertThat(h.endpoint().getSpec().getSelector())
        .containsEntry(ServingNames.VERSION_LABEL, BASE);
    assertThat(h.replicasOf(BASE)).isEqualTo(4);
    assertThat(h.jobs()).containsExactly(GATE_0);
    assertThat(h.last.status().getStableVersion()).isEqualTo(BASE);
  }

  @Test
  void aPauseWithoutDurationWaitsForApprovalThenTheRolloutGoesOn() {
    RolloutHarness h = new RolloutHarness(2, RolloutDecisionTest.untilApproved(50), step(75));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    h.now = h.now.plus(Duration.ofHours(3));
    h.reconcile();
    assertThat(h.last.status().getCurrentStep()).as("no clock ends it").isZero();

    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 0, Hold.pause).value());
    ServingPlan promoted = h.untilPlan(p -> p.rolloutEnded().isPresent(), "the promotion");

    assertThat(promoted.status().getStableVersion()).isEqualTo(NEXT);
  }

  @Test
  void anOperatorRestartedMidPauseKeepsThePauseClockFromStatus() {
    RolloutHarness h = new RolloutHarness(2, paused(50, "10m"), step(75));
    ServingPlan holding = h.until(ModelDeploymentConditions.STEP_PAUSED);
    String pauseStart = holding.status().getPauseStartTime();
    h.now = h.now.plus(Duration.ofMinutes(6));

    h.restart();
    ServingPlan resumed = h.reconcile();

    assertThat(reason(resumed, "Progressing")).isEqualTo(ModelDeploymentConditions.STEP_PAUSED);
    assertThat(resumed.status().getPauseStartTime()).isEqualTo(pauseStart);
    assertThat(resumed.next())
        .hasValueSatisfying(n -> assertThat(n).isLessThanOrEqualTo(Duration.ofMinutes(4)));
    assertThat(h.replicasOf(NEXT)).isEqualTo(1);
    assertThat(h.replicasOf(BASE)).isEqualTo(1);

    h.now = h.now.plus(Duration.ofMinutes(4));
    assertThat(h.reconcile().status().getCurrentStep()).isEqualTo(1);
  }

  @Test
  void anOperatorRestartedMidGateReadsTheSameJobsVerdictAndRunsNoSecondJob() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));
    h.until(ModelDeploymentConditions.GATE_RUNNING);

    h.restart();
    ServingPlan resumed = h.reconcile();
    assertThat(reason(resumed, "Progressing")).isEqualTo(ModelDeploymentConditions.GATE_RUNNING);
    assertThat(h.jobs()).containsExactly(GATE_0);

    h.gateSays(GATE_0, AnalysisVerdict.Passed, "200 samples");
    h.restart();
    ServingPlan passed = h.reconcile();

    assertThat(passed.status().getCurrentStep()).isEqualTo(1);
    assertThat(h.gate.asked).containsExactly(GATE_0);
    assertThat(h.jobs()).containsExactly(GATE_0);
  }
}
