package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.RolloutHarness.condition;
import static dev.lathe.operator.modeldeployment.RolloutHarness.gateSpec;
import static dev.lathe.operator.modeldeployment.RolloutHarness.gated;
import static dev.lathe.operator.modeldeployment.RolloutHarness.reason;
import static dev.lathe.operator.modeldeployment.RolloutHarness.step;
import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.RolloutRecord;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.serving.AdapterListBuilder;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An adapter-only rollout: spec.adapters names another version of an adapter while the served model
 * stays; the candidate is listed beside the stable version on the same pods, by weight, through the
 * same steps and gates, and is promoted or rolled back by a change of the adapter list alone.
 */
class AdapterRolloutTest {

  static final String ADAPTER = "support-lora";
  static final String V1 = "support-lora-v1";
  static final String V2 = "support-lora-v2";
  static final String GATE_0 =
      ServingWorld.MD + "-gate-0-" + ServingWorld.digestOf(V2).substring(7, 15);
  static final String GATE_1 =
      ServingWorld.MD + "-gate-1-" + ServingWorld.digestOf(V2).substring(7, 15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RolloutHarness h = new RolloutHarness(2);

  /** The base serves adapter V1 on two pods; then spec.rollout is set and the adapter names V2. */
  private void servingV1ThenV2(CanaryStep... steps) {
    h.world.deployment.getSpec().setRollout(null);
    h.world.names(BASE);
    h.world.adapter(ADAPTER, V1).verified(V1);
    h.reconcile();
    h.world.settle();
    h.reconcile();
    assertThat(adapterStatus().getModelVersion()).isEqualTo(V1);
    RolloutSpec rollout = new RolloutSpec();
    rollout.setSteps(List.of(steps));
    rollout.setEvaluation(gateSpec());
    h.world.deployment.getSpec().setRollout(rollout);
    h.world.retarget(ADAPTER, V2).verified(V2);
    h.events.clear();
  }

  @Test
  void aNewAdapterVersionIsListedAsACanaryBesideTheStableOneOnTheSamePods() {
    servingV1ThenV2(step(25));
    Deployment before = base();

    ServingPlan plan = h.reconcile();

    JsonNode entry = listed();
    assertThat(entry.get("manifestDigest").asText()).isEqualTo(h.digest(V1));
    assertThat(entry.at("/canary/manifestDigest").asText()).isEqualTo(h.digest(V2));
    assertThat(entry.at("/canary/weight").asInt()).isEqualTo(25);
    assertThat(h.world.all(Deployment.class)).as("no new pods, no new GPUs").hasSize(1);
    assertThat(base().getMetadata().getGeneration())
        .isEqualTo(before.getMetadata().getGeneration());
    assertThat(plan.status().getCanaryAdapter()).isEqualTo(ADAPTER);
    assertThat(plan.status().getCanaryVersion()).isEqualTo(V2);
    assertThat(plan.status().getStableVersion()).as("the served model stays").isEqualTo(BASE);
    assertThat(adapterStatus(plan).getModelVersion()).as("V1 answers the name").isEqualTo(V1);
    assertThat(h.events).contains("Normal RolloutStarted");
    assertThat(condition(plan, "Available").getMessage())
        .endsWith("serve ModelVersion " + BASE + " with adapter " + ADAPTER + "'s candidate " + V2);
  }

  @Test
  void theServedModelLosingItsVerificationMidRolloutKeepsTheAdaptersStableVersionKnown() {
    servingV1ThenV2(approval(25));
    h.until(ModelDeploymentConditions.AWAITING_APPROVAL);

    h.world.verification(BASE, Condition.FALSE, "DigestMismatch", "model.safetensors changed");
    ServingPlan waiting = h.reconcile();
    assertThat(reason(waiting, "Degraded")).isEqualTo(ModelDeploymentConditions.MODEL_NOT_VERIFIED);
    assertThat(adapterStatus(waiting).getModelVersion()).isEqualTo(V1);
    assertThat(adapterStatus(waiting).getManifestDigest()).isEqualTo(h.digest(V1));

    h.world.verified(BASE);
    ServingPlan resumed = h.reconcile();
    assertThat(resumed.status().getCanaryVersion())
        .as("the rollout goes on; V2 did not simply replace V1")
        .isEqualTo(V2);
    assertThat(listed().get("manifestDigest").asText()).isEqualTo(h.digest(V1));
    assertThat(listed().at("/canary/weight").asInt()).isEqualTo(25);
  }

  @Test
  void theStepsWeightCountsAsSetOnceTheCachedAdapterListCarriesIt() {
    servingV1ThenV2(step(25), step(50));

    ServingPlan applied = h.reconcile();
    assertThat(applied.status().getCanaryWeight()).as("not in the cache yet").isZero();
    assertThat(applied.status().getCurrentStep()).isZero();
    ServingPlan reached = h.reconcile();

    assertThat(reached.status().getCurrentStep()).as("step 0 reached, done").isEqualTo(1);
    assertThat(reached.status().getCanaryWeight()).as("what the pods are told").isEqualTo(25);
    assertThat(listed().at("/canary/weight").asInt()).isEqualTo(50);
    ServingPlan promoted = h.reconcile();
    assertThat(promoted.status().getCanaryVersion()).as("the last step reached").isNull();
    assertThat(listed().get("manifestDigest").asText()).isEqualTo(h.digest(V2));
  }

  @Test
  void theGateScoresBothAdapterVersionsOnTheSamePodsByTheirPinnedNames() {
    servingV1ThenV2(gated(step(25)));

    h.until(ModelDeploymentConditions.GATE_RUNNING);

    assertThat(h.jobs()).containsExactly(GATE_0);
    GateRequest request = h.gate.requests.get(h.gate.requests.size() - 1);
    assertThat(request.candidateModel()).isEqualTo(ADAPTER + "@" + h.digest(V2));
    assertThat(request.stableModel()).isEqualTo(ADAPTER + "@" + h.digest(V1));
    assertThat(request.candidateService())
        .isEqualTo(request.stableService())
        .isEqualTo(ServingNames.versionService(h.world.deployment, BASE));
    assertThat(request.candidateVersion()).isEqualTo(V2);
    assertThat(request.stableVersion()).isEqualTo(V1);
  }

  @Test
  void passedGatesPromoteTheAdapterByTheListAloneWithoutTouchingAPod() {
    servingV1ThenV2(gated(step(25)), gated(step(50)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Passed,
        "64 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.9, 0.8, true));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    Deployment before = base();
    h.gateSays(
        GATE_1,
        AnalysisVerdict.Passed,
        "64 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.9, 0.8, true));

    ServingPlan promoted = h.reconcile();
    assertThat(promoted.gatesEnded())
        .singleElement()
        .satisfies(g -> assertThat(g.job()).isEqualTo(GATE_1))
        .satisfies(g -> assertThat(g.verdict()).isEqualTo("Passed"));
    h.reconcile();

    JsonNode entry = listed();
    assertThat(entry.get("manifestDigest").asText()).isEqualTo(h.digest(V2));
    assertThat(entry.has("canary")).isFalse();
    assertThat(adapterStatus(promoted).getModelVersion()).isEqualTo(V2);
    RolloutRecord record =
        promoted.status().getHistory().get(promoted.status().getHistory().size() - 1);
    assertThat(record.getAdapter()).isEqualTo(ADAPTER);
    assertThat(record.getVersion()).isEqualTo(V2);
    assertThat(record.getPreviousVersion()).isEqualTo(V1);
    assertThat(record.getGate()).contains("passed at steps 0, 1");
    assertThat(reason(promoted, "RolledBack")).isEqualTo(ModelDeploymentConditions.PROMOTED);
    assertThat(promoted.status().getCanaryAdapter()).isNull();
    assertThat(promoted.status().getCanaryVersion()).isNull();
    assertThat(promoted.status().getStableVersion()).isEqualTo(BASE);
    assertThat(base().getSpec()).as("no pod restarted").isEqualTo(before.getSpec());
    assertThat(h.jobs()).containsExactly(GATE_0, GATE_1);
  }

  @Test
  void aFailedGateTakesTheCandidateOutOfTheListAtOnceAndStaysRolledBackUntilTheSpecMoves() {
    servingV1ThenV2(gated(step(25)), gated(step(50)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Failed,
        "accuracy over 64 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.2, 0.9, false));

    ServingPlan rolledBack = h.reconcile();
    h.reconcile();
    ServingPlan later = h.reconcile();

    JsonNode entry = listed();
    assertThat(entry.get("manifestDigest").asText()).isEqualTo(h.digest(V1));
    assertThat(entry.has("canary")).as("every request for the name is V1's").isFalse();
    Condition degraded = condition(rolledBack, "Degraded");
    assertThat(degraded.getReason()).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(degraded.getMessage())
        .contains("accuracy: candidate 0.2, stable 0.9, threshold min 0.8, maxRegression 0.02");
    assertThat(rolledBack.status().getAbort().getAdapter()).isEqualTo(ADAPTER);
    assertThat(rolledBack.status().getAbort().getVersion()).isEqualTo(V2);
    assertThat(reason(later, "Degraded")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(condition(later, "Progressing").getMessage())
        .contains("spec.adapters[" + ADAPTER + "] names another version");
    assertThat(adapterStatus(later).getModelVersion()).isEqualTo(V1);
    assertThat(condition(later, "Available").getMessage())
        .as("the rolled-back candidate serves nothing")
        .doesNotContain(V2);
    assertThat(h.jobs()).as("the gate is not run again").containsExactly(GATE_0);

    h.world.retarget(ADAPTER, V1);
    ServingPlan back = h.reconcile();
    assertThat(reason(back, "Degraded")).isEqualTo(ModelDeploymentConditions.AS_EXPECTED);
    assertThat(back.status().getCanaryAdapter()).isNull();
  }

  @Test
  void aCandidateAdapterThatIsNotVerifiedStartsNoRolloutAndTheStableOneKeepsAnswering() {
    servingV1ThenV2(step(25));
    h.world.verification(V2, Condition.UNKNOWN, "Verifying", "a Job checks every digest");

    ServingPlan plan = h.reconcile();

    JsonNode entry = listed();
    assertThat(entry.get("manifestDigest").asText()).isEqualTo(h.digest(V1));
    assertThat(entry.has("canary")).isFalse();
    assertThat(plan.status().getCanaryVersion()).isNull();
    assertThat(adapterStatus(plan).getModelVersion()).isEqualTo(V1);
    assertThat(reason(plan, "Progressing"))
        .isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
  }

  @Test
  void withoutARolloutAChangedAdapterReplacesTheOldOneAtOnce() {
    servingV1ThenV2(step(25));
    h.world.deployment.getSpec().setRollout(null);

    ServingPlan plan = h.reconcile();

    assertThat(listed().get("manifestDigest").asText()).isEqualTo(h.digest(V2));
    assertThat(plan.status().getCanaryVersion()).isNull();
    assertThat(adapterStatus(plan).getModelVersion()).isEqualTo(V2);
  }

  @Test
  void aRestartedOperatorResumesTheAdapterGateWithoutASecondJob() {
    servingV1ThenV2(gated(step(25)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);

    h.restart();
    h.reconcile();
    h.reconcile();

    assertThat(h.jobs()).containsExactly(GATE_0);
    assertThat(reason(h.last, "Progressing")).isEqualTo(ModelDeploymentConditions.GATE_RUNNING);
    assertThat(listed().at("/canary/weight").asInt()).isEqualTo(25);
  }

  private Deployment base() {
    return h.world.get(Deployment.class, ServingNames.deployment(h.world.deployment, BASE));
  }

  private JsonNode listed() {
    ConfigMap list =
        h.world.get(ConfigMap.class, ServingNames.adapterList(h.world.deployment, BASE));
    try {
      for (JsonNode entry :
          JSON.readTree(list.getData().get(AdapterListBuilder.KEY)).get("adapters")) {
        if (ADAPTER.equals(entry.get("name").asText())) {
          return entry;
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("adapter " + ADAPTER + " is not listed");
  }

  private AdapterServingStatus adapterStatus() {
    return adapterStatus(h.last);
  }

  private static AdapterServingStatus adapterStatus(ServingPlan plan) {
    return plan.status().getAdapters().stream()
        .filter(a -> ADAPTER.equals(a.getName()))
        .findFirst()
        .orElseThrow();
  }

  private static CanaryStep approval(int weight) {
    CanaryStep step = step(weight);
    step.setPause(new dev.lathe.api.v1alpha1.CanaryPause());
    return step;
  }
}
