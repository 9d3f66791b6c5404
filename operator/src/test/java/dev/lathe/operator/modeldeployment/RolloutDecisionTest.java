package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.RolloutHarness.NEXT;
import static dev.lathe.operator.modeldeployment.RolloutHarness.condition;
import static dev.lathe.operator.modeldeployment.RolloutHarness.gated;
import static dev.lathe.operator.modeldeployment.RolloutHarness.paused;
import static dev.lathe.operator.modeldeployment.RolloutHarness.reason;
import static dev.lathe.operator.modeldeployment.RolloutHarness.step;
import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.CanaryPause;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Approval;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Hold;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each branch of {@link RolloutDecision}, driven through the serving loop against the fakes (a
 * stable version of four pods, then spec.modelVersion names a verified candidate).
 */
class RolloutDecisionTest {

  static final String GATE_0 = "support-bot-gate-0-" + ServingWorld.digestOf(NEXT).substring(7, 15);

  @Test
  void aNewModelVersionStartsACanaryOfOnePodBesideTheStableVersionWhichKeepsServing() {
    RolloutHarness h = new RolloutHarness(4, step(25));

    ServingPlan plan = h.reconcile();

    assertThat(h.replicasOf(NEXT)).isEqualTo(1);
    assertThat(h.replicasOf(BASE)).as("stable keeps its pods: one pod of surge").isEqualTo(4);
    assertThat(h.service(NEXT).getMetadata().getLabels())
        .containsEntry(ServingNames.TRACK_LABEL, ServingNames.CANARY);
    assertThat(h.service(BASE).getMetadata().getLabels())
        .containsEntry(ServingNames.TRACK_LABEL, ServingNames.STABLE);
    assertThat(h.endpoint().getSpec().getSelector())
        .as("canary pods are behind the shared endpoint")
        .doesNotContainKey(ServingNames.VERSION_LABEL);
    assertThat(plan.status().getStableVersion()).isEqualTo(BASE);
    assertThat(plan.status().getCanaryVersion()).isEqualTo(NEXT);
    assertThat(plan.status().getCanaryDigest()).isEqualTo(h.digest(NEXT));
    assertThat(plan.status().getCurrentStep()).isZero();
    assertThat(reason(plan, "Progressing"))
        .isEqualTo(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS);
    assertThat(condition(plan, "Available").getStatus()).isEqualTo(Condition.TRUE);
    assertThat(h.events).contains("Normal RolloutStarted", "Normal RolloutInProgress");
  }

  @Test
  void aCandidateThatIsNotVerifiedStartsNoRolloutAndStableKeepsServing() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.world.verification(NEXT, Condition.UNKNOWN, "Verifying", "a Job checks every digest");

    ServingPlan plan = h.reconcile();

    assertThat(h.world.objects.keySet()).noneMatch(k -> k.contains(NEXT));
    assertThat(plan.status().getCanaryVersion()).isNull();
    assertThat(reason(plan, "Progressing"))
        .isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(condition(plan, "Available").getMessage()).contains(BASE + " serves while");
    assertThat(h.events).contains("Normal AwaitingVerification");
  }

  @Test
  void theStableVersionGivesWayOnlyAsTheCandidatesPodsBecomeReady() {
    RolloutHarness h = new RolloutHarness(4, step(50));
    h.reconcile();
    assertThat(h.replicasOf(NEXT)).as("room for one beyond spec.replicas").isEqualTo(1);

    h.world.settle();
    h.reconcile();
    assertThat(h.replicasOf(BASE)).isEqualTo(3);
    assertThat(h.replicasOf(NEXT)).isEqualTo(1);

    h.world.settle();
    h.reconcile();
    assertThat(h.replicasOf(NEXT)).isEqualTo(2);
    h.world.settle();
    ServingPlan plan = h.reconcile();
    assertThat(h.replicasOf(BASE)).isEqualTo(2);
    assertThat(plan.status().getCanaryWeight()).as("share of ready pods").isEqualTo(40);
  }

  @Test
  void aCanaryPodTheSchedulerCannotPlaceIsReportedWithTheSchedulersReason() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.reconcile();
    h.world.unschedulablePod(
        NEXT, "support-bot-v4-7d-x1", "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");

    ServingPlan plan = h.reconcile();

    assertThat(condition(plan, "Progressing").getMessage())
        .contains(
            "pod support-bot-v4-7d-x1 cannot be scheduled (Unschedulable): 0/3 nodes are"
                + " available: 3 Insufficient nvidia.com/gpu.");
  }

  @Test
  void aCandidateNotReadyWithinTheProgressDeadlineIsRolledBackAsUnhealthy() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.rollout().setProgressDeadline("5m");
    ServingPlan started = h.reconcile();
    assertThat(started.next())
        .hasValueSatisfying(n -> assertThat(n).isLessThanOrEqualTo(Duration.ofMinutes(5)));

    h.world.settle(NEXT);
    h.now = h.now.plus(Duration.ofMinutes(5));
    ServingPlan plan = h.reconcile();

    assertThat(reason(plan, "Degraded")).isEqualTo(ModelDeploymentConditions.CANDIDATE_UNHEALTHY);
    assertThat(condition(plan, "Degraded").getMessage())
        .contains("not ready within the progress deadline of 300s", "0/1 ready pods");
    assertThat(condition(plan, "RolledBack").getStatus()).isEqualTo(Condition.TRUE);
    assertThat(plan.rolloutEnded()).contains(ModelDeploymentConditions.CANDIDATE_UNHEALTHY);
    assertThat(h.endpoint().getSpec().getSelector())
        .containsEntry(ServingNames.VERSION_LABEL, BASE);
  }

  @Test
  void aCandidatePodThatRefusesItsArtifactRollsTheCandidateBackAtOnce() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.reconcile();
    h.world.refusingPod(
        NEXT,
        "support-bot-v4-7d-x1",
        1,
        "verification failed (DIGEST_MISMATCH, model.safetensors): the file's sha256 differs");

    ServingPlan plan = h.reconcile();

    assertThat(reason(plan, "Degraded")).isEqualTo(ModelDeploymentConditions.CANDIDATE_UNHEALTHY);
    assertThat(condition(plan, "Degraded").getMessage())
        .contains("support-bot-v4-7d-x1", "model.safetensors", "back on " + BASE);
    assertThat(h.events).contains("Warning CandidateUnhealthy");
  }

  @Test
  void aPauseWithADurationHoldsFromThePauseStartTimeInStatus() {
    RolloutHarness h = new RolloutHarness(2, paused(50, "10m"), step(75));
    ServingPlan holding = h.until(ModelDeploymentConditions.STEP_PAUSED);
    String started = holding.status().getPauseStartTime();
    assertThat(holding.next())
        .hasValueSatisfying(n -> assertThat(n).isEqualTo(Duration.ofMinutes(10)));

    h.now = h.now.plus(Duration.ofMinutes(5));
    ServingPlan still = h.reconcile();
    assertThat(reason(still, "Progressing")).isEqualTo(ModelDeploymentConditions.STEP_PAUSED);
    assertThat(still.status().getPauseStartTime()).isEqualTo(started);
    assertThat(still.status().getCurrentStep()).isZero();

    h.now = h.now.plus(Duration.ofMinutes(5));
    ServingPlan next = h.reconcile();
    assertThat(next.status().getCurrentStep()).isEqualTo(1);
    assertThat(h.events).contains("Normal StepCompleted");
  }

  @Test
  void aPauseWithoutDurationWaitsForAnApprovalBoundToTheCandidatesDigestAndStep() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50), step(75));
    ServingPlan waiting = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    assertThat(condition(waiting, "Progressing").getMessage())
        .contains("kubectl lathe promote md/support-bot", h.digest(NEXT));

    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 1, Hold.pause).value());
    assertThat(reason(h.reconcile(), "Progressing"))
        .as("an approval of another step")
        .isEqualTo(ModelDeploymentConditions.AWAITING_APPROVAL);

    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 0, Hold.pause).value());
    ServingPlan approved = h.reconcile();
    assertThat(approved.status().getCurrentStep()).isEqualTo(1);
    assertThat(h.events).contains("Normal Approved");
  }

  @Test
  void anApprovalForAnotherCandidatesDigestIsRefusedWithAConditionAndAnEvent() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50), step(75));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    String other = ServingWorld.digestOf("support-bot-v3");

    h.world.annotate(RolloutAnnotations.PROMOTE, new Approval(other, 0, Hold.pause).value());
    ServingPlan plan = h.reconcile();

    assertThat(plan.status().getCurrentStep()).isZero();
    assertThat(reason(plan, "Progressing")).isEqualTo(ModelDeploymentConditions.APPROVAL_REFUSED);
    assertThat(condition(plan, "Progressing").getMessage())
        .contains("approval for digest " + other + " was refused", h.digest(NEXT));
    assertThat(h.events).contains("Warning ApprovalRefused");
  }

  @Test
  void anApprovalLeftOverFromThePromotedCandidateIsNotRefusedInTheNextRollout() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 0, Hold.pause).value());
    h.untilPlan(p -> p.rolloutEnded().isPresent(), "the promotion");
    h.now = h.now.plus(Duration.ofMinutes(1));
    h.reconcile();

    h.world.names("support-bot-v5").verified("support-bot-v5");
    ServingPlan next = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);

    assertThat(next.status().getCanaryVersion()).isEqualTo("support-bot-v5");
    assertThat(h.events).doesNotContain("Warning ApprovalRefused");
  }

  @Test
  void specPausedHoldsTheRolloutAtItsStep() {
    RolloutHarness h = new RolloutHarness(2, step(50), step(75));
    h.world.deployment.getSpec().setPaused(true);

    ServingPlan plan = h.until(ModelDeploymentConditions.ROLLOUT_PAUSED);
    h.reconcile();

    assertThat(h.last.status().getCurrentStep()).isZero();
    assertThat(condition(plan, "Progressing").getMessage()).contains("spec.paused");
  }

  @Test
  void aGatedStepCreatesItsEvaluationJobOnceAndWaitsForItsVerdict() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));

    ServingPlan running = h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.reconcile();
    h.reconcile();

    assertThat(h.jobs()).containsExactly(GATE_0);
    assertThat(
            h.world
                .get(io.fabric8.kubernetes.api.model.batch.v1.Job.class, GATE_0)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsEntry("lathe.dev/evaluates", "support-bot")
        .doesNotContainKey(ServingNames.DEPLOYMENT_LABEL);
    assertThat(running.status().getAnalysisRuns()).hasSize(1);
    assertThat(h.last.status().getAnalysisRuns().get(0).getVerdict())
        .isEqualTo(AnalysisVerdict.Running);
    assertThat(h.gate.asked).contains(GATE_0);
    assertThat(h.last.status().getCurrentStep()).isZero();
  }

  @Test
  void theGateScrapesEachVersionsOwnReadyPodsForItsLiveFigures() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)));

    h.until(ModelDeploymentConditions.GATE_RUNNING);

    var request = h.gate.requests.get(h.gate.requests.size() - 1);
    assertThat(request.candidateModel()).as("the served model name reaches each").isNull();
    assertThat(request.candidateService())
        .isEqualTo(ServingNames.versionService(h.world.deployment, NEXT));
    assertThat(request.candidatePods()).containsExactlyElementsOf(h.world.podAddresses(NEXT));
    assertThat(request.stablePods()).containsExactlyElementsOf(h.world.podAddresses(BASE));
    assertThat(request.candidatePods())
        .hasSize(1)
        .doesNotContainAnyElementsOf(request.stablePods());
  }

  @Test
  void aPassedGateMovesTheRolloutToTheNextStep() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Passed,
        "200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.86, 0.84, true));

    ServingPlan plan = h.reconcile();

    assertThat(plan.status().getCurrentStep()).isEqualTo(1);
    assertThat(plan.status().getAnalysisRuns().get(0).getVerdict())
        .isEqualTo(AnalysisVerdict.Passed);
    assertThat(plan.status().getAnalysisRuns().get(0).getCompletionTime()).isNotNull();
    assertThat(h.events).contains("Normal GateVerdict");
  }

  @Test
  void aFailedGateRollsBackAtOnceWithTheFiguresThresholdAndSamplesInStatus() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Failed,
        "accuracy over 200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.61, 0.84, false));

    ServingPlan plan = h.reconcile();

    Condition degraded = condition(plan, "Degraded");
    assertThat(degraded.getReason()).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(degraded.getMessage())
        .contains(
            "accuracy: candidate 0.61, stable 0.84, threshold min 0.8, maxRegression 0.02",
            "200 samples",
            NEXT);
    assertThat(reason(plan, "RolledBack")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(reason(plan, "Ready")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(plan.status().getCanaryWeight()).isZero();
    assertThat(plan.status().getAbort().getReason())
        .isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(h.endpoint().getSpec().getSelector())
        .as("the candidate's traffic goes at once")
        .containsEntry(ServingNames.VERSION_LABEL, BASE);
    assertThat(h.replicasOf(BASE)).isEqualTo(2);
    assertThat(h.replicasOf(NEXT)).as("its pods stay for scaleDownDelay").isEqualTo(1);
    assertThat(plan.status().getAnalysisRuns()).hasSize(1);
    assertThat(h.events).contains("Warning GateVerdict", "Warning GateFailed");
  }

  @Test
  void aRolledBackCandidateIsRemovedAfterTheScaleDownDelayAndStaysDegradedUntilTheSpecMoves() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)));
    h.rollout().setScaleDownDelay("1m");
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(GATE_0, AnalysisVerdict.Failed, "worse");
    ServingPlan rolledBack = h.reconcile();
    assertThat(rolledBack.next())
        .hasValueSatisfying(n -> assertThat(n).isLessThanOrEqualTo(Duration.ofMinutes(1)));

    h.now = h.now.plus(Duration.ofMinutes(1));
    h.world.settle();
    ServingPlan later = h.reconcile();
    h.reconcile();

    assertThat(h.world.objects.keySet()).noneMatch(k -> k.contains(NEXT));
    assertThat(reason(later, "Degraded")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(h.jobs()).as("the gate is not run again").containsExactly(GATE_0);

    h.world.names(BASE);
    ServingPlan back = h.reconcile();
    assertThat(reason(back, "Degraded")).isEqualTo(ModelDeploymentConditions.AS_EXPECTED);
    assertThat(back.status().getAbort().getVersion()).as("the record of the last").isEqualTo(NEXT);
    assertThat(back.status().getCanaryVersion()).isNull();
  }

  @Test
  void aFailureWithinFailureLimitRunsTheGateAgainInANewJobAndOneMoreRollsBack() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)));
    h.rollout().setFailureLimit(1);
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(GATE_0, AnalysisVerdict.Failed, "worse");

    ServingPlan again = h.reconcile();
    assertThat(reason(again, "Progressing")).isEqualTo(ModelDeploymentConditions.GATE_RUNNING);
    assertThat(h.jobs()).containsExactly(GATE_0, GATE_0 + "-1");

    h.gateSays(GATE_0 + "-1", AnalysisVerdict.Failed, "worse again");
    ServingPlan plan = h.reconcile();
    assertThat(reason(plan, "Degraded")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(plan.status().getAnalysisRuns()).hasSize(2);
  }

  @Test
  void gateErrorsBeyondConsecutiveErrorLimitRollBackAsGateErrored() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)));
    h.rollout().setConsecutiveErrorLimit(1);
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(GATE_0, AnalysisVerdict.Error, "the dataset was unreadable");
    h.reconcile();
    assertThat(h.jobs()).containsExactly(GATE_0, GATE_0 + "-1");

    h.gateSays(GATE_0 + "-1", AnalysisVerdict.Error, "the dataset was unreadable");
    ServingPlan plan = h.reconcile();

    assertThat(reason(plan, "Degraded")).isEqualTo(ModelDeploymentConditions.GATE_ERRORED);
    assertThat(condition(plan, "Degraded").getMessage())
        .contains("2 times in a row", "the dataset was unreadable");
  }

  @Test
  void anInconclusiveGateHoldsWithItsReasonUntilAPersonLetsItGoOn() {
    assumeTrue(
        Arrays.stream(AnalysisVerdict.values()).anyMatch(v -> v.name().equals("Inconclusive")),
        "the gate's verdicts have no Inconclusive yet (rollout-eval adds it)");
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(GATE_0, AnalysisVerdict.valueOf("Inconclusive"), "12 samples, fewer than 50");

    ServingPlan holding = h.reconcile();
    assertThat(reason(holding, "Progressing"))
        .isEqualTo(ModelDeploymentConditions.GATE_INCONCLUSIVE);
    assertThat(condition(holding, "Progressing").getMessage()).contains("fewer than 50");

    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 0, Hold.gate).value());
    assertThat(h.reconcile().status().getCurrentStep()).isEqualTo(1);
  }

  @Test
  void aGatedStepWithoutAnInstalledGateHoldsUntilAPersonLetsItGoOn() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)), step(75));
    h.loop =
        new ServingLoop(new ServingDecision(RolloutHarness.RECHECK, Optional.empty()), h.actions);

    ServingPlan holding = h.until(ModelDeploymentConditions.GATE_UNAVAILABLE);
    assertThat(h.jobs()).isEmpty();
    assertThat(h.events).contains("Warning GateUnavailable");
    assertThat(holding.status().getCurrentStep()).isZero();

    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(NEXT), 0, Hold.gate).value());
    assertThat(h.reconcile().status().getCurrentStep()).isEqualTo(1);
  }

  @Test
  void anAbortForTheCandidatesDigestRollsBackAndOneForAnotherIsRefused() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);

    h.world.annotate(RolloutAnnotations.ABORT, ServingWorld.digestOf("support-bot-v3"));
    ServingPlan refused = h.reconcile();
    assertThat(reason(refused, "Progressing"))
        .isEqualTo(ModelDeploymentConditions.APPROVAL_REFUSED);
    assertThat(condition(refused, "Progressing").getMessage()).contains("an abort for digest");

    h.world.annotate(RolloutAnnotations.ABORT, h.digest(NEXT));
    ServingPlan aborted = h.reconcile();
    assertThat(reason(aborted, "Degraded")).isEqualTo(ModelDeploymentConditions.ROLLOUT_ABORTED);
    assertThat(condition(aborted, "Progressing").getStatus()).isEqualTo(Condition.FALSE);
    assertThat(aborted.rolloutEnded()).contains(ModelDeploymentConditions.ROLLOUT_ABORTED);
  }

  @Test
  void aVersionThatWasStableOnceIsRolledOutAgainAndItsAbortIsObeyed() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50));
    approveAndPromote(h, NEXT);
    h.world.names("support-bot-v5").verified("support-bot-v5");
    approveAndPromote(h, "support-bot-v5");

    h.world.names(NEXT);
    ServingPlan again = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    assertThat(again.status().getCanaryVersion()).isEqualTo(NEXT);
    h.world.annotate(RolloutAnnotations.ABORT, h.digest(NEXT));
    ServingPlan aborted = h.reconcile();

    assertThat(reason(aborted, "RolledBack")).isEqualTo(ModelDeploymentConditions.ROLLOUT_ABORTED);
    assertThat(aborted.status().getStableVersion()).isEqualTo("support-bot-v5");
  }

  @Test
  void anAbortedVersionNamedAgainAfterAnotherOneRollsOutAfresh() {
    RolloutHarness h = new RolloutHarness(2, untilApproved(50));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    h.world.annotate(RolloutAnnotations.ABORT, h.digest(NEXT));
    assertThat(reason(h.reconcile(), "RolledBack"))
        .isEqualTo(ModelDeploymentConditions.ROLLOUT_ABORTED);

    h.world.names("support-bot-v5").verified("support-bot-v5");
    ServingPlan other = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    assertThat(other.status().getCanaryVersion()).isEqualTo("support-bot-v5");
    h.world.deployment.getMetadata().getAnnotations().remove(RolloutAnnotations.ABORT);
    h.world.names(NEXT);
    ServingPlan again = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);

    assertThat(again.status().getCanaryVersion()).isEqualTo(NEXT);
    assertThat(reason(again, "RolledBack")).isNotEqualTo(ModelDeploymentConditions.ROLLOUT_ABORTED);
  }

  private static void approveAndPromote(RolloutHarness h, String version) {
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    h.world.annotate(
        RolloutAnnotations.PROMOTE, new Approval(h.digest(version), 0, Hold.pause).value());
    h.untilPlan(
        p -> version.equals(p.status().getStableVersion()) && p.status().getCanaryVersion() == null,
        "promotion of " + version);
  }

  @Test
  void afterTheLastStepTheCandidateGrowsToSpecReplicasAndBecomesStableWithoutANewPodTemplate() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.until(ModelDeploymentConditions.PROMOTING);
    Deployment before =
        h.world.get(Deployment.class, ServingNames.deployment(h.world.deployment, NEXT));
    Map<String, String> templateHashBefore =
        Map.of("template", String.valueOf(before.getSpec().getTemplate().hashCode()));

    ServingPlan promoted = h.untilPlan(p -> p.rolloutEnded().isPresent(), "the promotion");

    Deployment after =
        h.world.get(Deployment.class, ServingNames.deployment(h.world.deployment, NEXT));
    assertThat(Map.of("template", String.valueOf(after.getSpec().getTemplate().hashCode())))
        .as("promotion restarts no pod")
        .isEqualTo(templateHashBefore);
    assertThat(promoted.rolloutEnded()).contains(ModelDeploymentConditions.PROMOTED);
    assertThat(promoted.status().getStableVersion()).isEqualTo(NEXT);
    assertThat(promoted.status().getStableDigest()).isEqualTo(h.digest(NEXT));
    assertThat(promoted.status().getCanaryVersion()).isNull();
    assertThat(promoted.status().getHistory())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVersion()).isEqualTo(NEXT);
              assertThat(r.getDigest()).isEqualTo(h.digest(NEXT));
              assertThat(r.getPreviousVersion()).isEqualTo(BASE);
              assertThat(r.getPromotedAt()).isNotNull();
              assertThat(r.getGate()).isEqualTo("no step was gated");
            });
    assertThat(h.service(NEXT).getMetadata().getLabels())
        .containsEntry(ServingNames.TRACK_LABEL, ServingNames.STABLE);
    assertThat(h.service(BASE).getMetadata().getLabels())
        .containsEntry(ServingNames.TRACK_LABEL, ServingNames.RETIRING);
    assertThat(h.endpoint().getSpec().getSelector())
        .containsEntry(ServingNames.VERSION_LABEL, NEXT);
    assertThat(h.replicasOf(NEXT)).isEqualTo(2);
    assertThat(h.replicasOf(BASE)).as("the old stable's last pod waits").isEqualTo(1);
    assertThat(reason(promoted, "RolledBack")).isEqualTo(ModelDeploymentConditions.PROMOTED);
    assertThat(h.events).contains("Normal Promoted");
  }

  @Test
  void theReplacedStableVersionIsRemovedAfterTheScaleDownDelay() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.untilPlan(p -> p.rolloutEnded().isPresent(), "the promotion");
    h.reconcile();
    assertThat(h.world.objects.keySet()).anyMatch(k -> k.contains(BASE));

    h.now = h.now.plus(Duration.ofSeconds(30));
    h.reconcile();
    ServingPlan settled = h.reconcile();

    assertThat(h.world.objects.keySet()).noneMatch(k -> k.contains(BASE));
    assertThat(h.endpoint().getSpec().getSelector()).doesNotContainKey(ServingNames.VERSION_LABEL);
    assertThat(reason(settled, "Ready")).isEqualTo(ModelDeploymentConditions.READY_REASON);
  }

  @Test
  void aJobCreatedBeforeTheStatusSaidSoIsAdoptedNotCreatedAgain() {
    RolloutHarness h = new RolloutHarness(2, gated(step(50)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    // The status write after the create was lost: the cluster has the Job, the status no run.
    h.world.deployment.getStatus().setAnalysisRuns(null);
    int created = h.actions.applied().size();

    ServingPlan plan = h.reconcile();

    assertThat(h.actions.applied()).hasSize(created);
    assertThat(plan.status().getAnalysisRuns()).hasSize(1);
    assertThat(h.jobs()).containsExactly(GATE_0);
  }

  @Test
  void withoutARolloutInTheSpecANewVersionReplacesTheOldAtOnce() {
    RolloutHarness h = new RolloutHarness(2, step(50));
    h.world.deployment.getSpec().setRollout(null);

    ServingPlan plan = h.reconcile();

    assertThat(plan.status().getStableVersion()).isEqualTo(NEXT);
    assertThat(plan.status().getCanaryVersion()).isNull();
    assertThat(h.replicasOf(NEXT)).isEqualTo(2);
  }

  static CanaryStep untilApproved(int weight) {
    CanaryStep step = step(weight);
    step.setPause(new CanaryPause());
    return step;
  }
}
