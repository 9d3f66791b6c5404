package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static dev.lathe.operator.modeldeployment.ServingWorld.MD;
import static dev.lathe.operator.modeldeployment.ServingWorld.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.operator.serving.AdapterListBuilder;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the serving decision, on snapshots, with no cluster. */
class ServingDecisionTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration RECHECK = Duration.ofSeconds(30);

  final ServingWorld world = new ServingWorld();
  final ServingDecision decision = new ServingDecision(RECHECK, Optional.empty());

  ServingPlan decide() {
    return decision.decide(world.snapshot(), NOW);
  }

  /** Decides and carries the steps out on the world, as the loop does. */
  ServingPlan run() {
    ServingPlan plan =
        new ServingLoop(decision, new TestingServingActions(world)).run(world.snapshot(), NOW);
    world.reported(plan);
    return plan;
  }

  static Condition condition(ServingPlan plan, String type) {
    return plan.conditions().get(type).orElseThrow(() -> new AssertionError("no " + type));
  }

  static List<String> stepNames(ServingPlan plan) {
    return plan.steps().stream()
        .map(
            s ->
                s instanceof ServingStep.Apply a
                    ? (a.absent() ? "create " : "correct ") + ServingWorld.key(a.object())
                    : s instanceof ServingStep.Remove r
                        ? "remove " + ServingWorld.key(r.object())
                        : "retire " + ((ServingStep.Retire) s).modelVersion())
        .toList();
  }

  @Test
  void aRejectedSpecCreatesNothingAndIsLookedAtAgainWhenItWaitsOnAnotherObject() {
    world.rejected(
        "ModelVersionNotFound", "spec.modelVersion: ModelVersion llama-3-1-8b not found");

    ServingPlan plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Accepted").getStatus()).isEqualTo(Condition.FALSE);
    assertThat(condition(plan, "Ready").getReason())
        .isEqualTo(ModelDeploymentConditions.NOT_ACCEPTED);
    assertThat(plan.next()).contains(RECHECK);
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::reason)
        .containsExactly("ModelVersionNotFound");
  }

  @Test
  void anUnverifiedModelVersionGetsNothingCreatedAndTheDeploymentSaysItWaits() {
    world.verification(BASE, Condition.UNKNOWN, "Verifying", "a Job checks every digest");

    ServingPlan plan = decide();

    assertThat(plan.steps()).isEmpty();
    Condition available = condition(plan, "Available");
    assertThat(available.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(available.getReason()).isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(available.getMessage()).contains("ModelVersion llama-3-1-8b", "Verifying");
    assertThat(condition(plan, "Progressing").getReason())
        .isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(condition(plan, "Ready").getReason())
        .isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::reason)
        .contains(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(plan.status().getReady()).isEqualTo("0/2");
    assertThat(plan.status().getEndpoint()).isNull();
  }

  @Test
  void aModelVersionNotSeenInTheCacheYetIsWaitedForLikeAnUnverifiedOne() {
    world.versions.clear();

    ServingPlan plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Available").getMessage()).contains("not seen yet");
  }

  @Test
  void anUnverifiedAdapterHoldsBackTheFirstCreationEvenWhenTheBaseIsVerified() {
    world.verified(BASE).adapter("support", "support-v3");

    ServingPlan plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Available").getMessage())
        .contains("adapter support (ModelVersion support-v3)");
  }

  @Test
  void aModelThatFailedVerificationIsDegradedAndNeverServed() {
    world.verification(
        BASE, Condition.FALSE, "DigestMismatch", "model.safetensors: digest differs from signed");

    ServingPlan plan = decide();

    assertThat(plan.steps()).isEmpty();
    Condition degraded = condition(plan, "Degraded");
    assertThat(degraded.getStatus()).isEqualTo(Condition.TRUE);
    assertThat(degraded.getReason()).isEqualTo(ModelDeploymentConditions.MODEL_NOT_VERIFIED);
    assertThat(degraded.getMessage()).contains("DigestMismatch", "model.safetensors");
    assertThat(condition(plan, "Ready").getReason())
        .isEqualTo(ModelDeploymentConditions.MODEL_NOT_VERIFIED);
  }

  @Test
  void aVerifiedModelGetsItsAdapterListServicesAndDeploymentTheListFirstSoPodsCanMountIt() {
    world.verified(BASE);

    ServingPlan plan = decide();

    assertThat(stepNames(plan))
        .containsExactly(
            "create ConfigMap/support-bot-llama-3-1-8b-adapters",
            "create Service/support-bot-llama-3-1-8b",
            "create Service/support-bot",
            "create Deployment/support-bot-llama-3-1-8b");
    assertThat(condition(plan, "Progressing").getReason())
        .isEqualTo(ModelDeploymentConditions.APPLYING);
    assertThat(plan.status().getStableVersion()).isEqualTo(BASE);
    assertThat(plan.status().getStableDigest()).isEqualTo(ServingWorld.digestOf(BASE));
    assertThat(plan.status().getEndpoint())
        .isEqualTo("http://support-bot." + NAMESPACE + ".svc:8000/v1");
    assertThat(plan.status().getSelector()).isEqualTo("lathe.dev/model-deployment=support-bot");
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::message)
        .contains("created Deployment support-bot-llama-3-1-8b");
  }

  @Test
  void theAdapterListNamesEachVerifiedAdapterWithItsUriAndVerifiedDigest() {
    world.verified(BASE).adapter("support", "support-v3").verified("support-v3");

    ServingPlan plan = decide();

    ConfigMap list = (ConfigMap) ((ServingStep.Apply) plan.steps().get(0)).object();
    assertThat(list.getData().get(AdapterListBuilder.KEY))
        .isEqualTo(
            "{\"adapters\":[{\"name\":\"support\",\"uri\":\"s3://models/support-v3\","
                + "\"manifestDigest\":\""
                + ServingWorld.digestOf("support-v3")
                + "\"}]}");
  }

  @Test
  void anAdapterInAnotherStoreThanTheBaseIsListedWithItsOwnEndpointAndCredentialsDirectory() {
    world.verified(BASE).adapter("support", "support-v3").verified("support-v3");
    world
        .versions
        .get("support-v3")
        .getSpec()
        .getSource()
        .getStorage()
        .setCredentialsSecret("team-b");

    ServingPlan plan = decide();

    ConfigMap list = (ConfigMap) ((ServingStep.Apply) plan.steps().get(0)).object();
    assertThat(list.getData().get(AdapterListBuilder.KEY))
        .contains(
            "\"store\":{\"endpoint\":\"http://minio.storage:9000\",\"pathStyle\":true,"
                + "\"credentialsDirectory\":\"/var/run/lathe/credentials/team-b\"}");
    Deployment deployment =
        plan.steps().stream()
            .map(s -> ((ServingStep.Apply) s).object())
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("minio-credentials", "team-b");
  }

  @Test
  void anAdapterAddedLaterIsListedOnlyOnceItsModelVersionIsVerifiedWhileTheRestKeepsServing() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 2);
    world.adapter("late", "late-v1");

    ServingPlan waiting = run();

    assertThat(stepNames(waiting)).isEmpty();
    assertThat(condition(waiting, "Progressing").getReason())
        .isEqualTo(ModelDeploymentConditions.AWAITING_VERIFICATION);
    assertThat(condition(waiting, "Available").getStatus()).isEqualTo(Condition.TRUE);
    assertThat(waiting.status().getAdapters().get(0).getReady()).isEqualTo("0/2");

    world.verified("late-v1");
    ServingPlan listing = run();

    assertThat(stepNames(listing))
        .containsExactly("correct ConfigMap/support-bot-llama-3-1-8b-adapters");
    assertThat(
            world
                .get(ConfigMap.class, "support-bot-llama-3-1-8b-adapters")
                .getData()
                .get("adapters.json"))
        .contains("\"name\":\"late\"");
    // The pod template does not change: adapters come and go without restarting pods.
    assertThat(stepNames(listing)).noneMatch(s -> s.contains("Deployment"));
    assertThat(listing.status().getAdapters().get(0).getReady()).isEqualTo("2/2");
  }

  @Test
  void podsStartingAreProgressingAndNotAvailableUntilOneIsReady() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 0);

    ServingPlan plan = run();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Available").getReason())
        .isEqualTo(ModelDeploymentConditions.NO_READY_REPLICAS);
    assertThat(condition(plan, "Progressing").getReason())
        .isEqualTo(ModelDeploymentConditions.PODS_STARTING);
    assertThat(condition(plan, "Ready").getStatus()).isEqualTo(Condition.FALSE);
  }

  @Test
  void everyReplicaReadyIsAvailableRolledOutAndReadyWithNoStep() {
    world.verified(BASE).adapter("support", "support-v3").verified("support-v3");
    run();
    world.workloadReports(BASE, 2, 2);

    ServingPlan plan = run();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Available").getReason())
        .isEqualTo(ModelDeploymentConditions.SERVING);
    assertThat(condition(plan, "Progressing").getReason())
        .isEqualTo(ModelDeploymentConditions.ROLLED_OUT);
    assertThat(condition(plan, "Degraded").getStatus()).isEqualTo(Condition.FALSE);
    assertThat(condition(plan, "Ready").getStatus()).isEqualTo(Condition.TRUE);
    assertThat(plan.status().getReady()).isEqualTo("2/2");
    assertThat(plan.status().getReadyReplicas()).isEqualTo(2);
    assertThat(plan.status().getAdapters().get(0).getReady()).isEqualTo("2/2");
  }

  @Test
  void aSecondDecisionOnTheSameWorldTellsNoEventTwice() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 2);
    run();

    ServingPlan again = run();

    assertThat(again.conditions().events()).isEmpty();
    assertThat(again.steps()).isEmpty();
  }

  @Test
  void aChangeOfReplicasThroughTheScaleSubresourceCorrectsTheDeployment() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 2);
    world.replicas(3);

    ServingPlan plan = run();

    assertThat(stepNames(plan)).containsExactly("correct Deployment/support-bot-llama-3-1-8b");
    assertThat(world.get(Deployment.class, "support-bot-llama-3-1-8b").getSpec().getReplicas())
        .isEqualTo(3);
    assertThat(plan.status().getReady()).isEqualTo("2/3");
  }

  @Test
  void aHandEditedServiceSelectorIsPutBack() {
    world.verified(BASE);
    run();
    Service endpoint = world.get(Service.class, "support-bot");
    endpoint.getSpec().setSelector(Map.of("app", "something-else"));

    ServingPlan plan = run();

    assertThat(stepNames(plan)).containsExactly("correct Service/support-bot");
    assertThat(world.get(Service.class, "support-bot").getSpec().getSelector())
        .isEqualTo(Map.of(ServingNames.DEPLOYMENT_LABEL, MD));
  }

  @Test
  void aPodWhoseInitContainerRefusesTheArtifactMakesItDegradedWithTheRuntimesKindAndFile() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 1);
    world.refusingPod(
        BASE,
        "support-bot-llama-3-1-8b-7d9f-x2x",
        1,
        "verification failed (DIGEST_MISMATCH, model.safetensors): sha256 differs from the signed"
            + " manifest");

    ServingPlan plan = run();

    Condition degraded = condition(plan, "Degraded");
    assertThat(degraded.getStatus()).isEqualTo(Condition.TRUE);
    assertThat(degraded.getReason()).isEqualTo(ModelDeploymentConditions.DIGEST_MISMATCH);
    assertThat(degraded.getMessage())
        .contains("support-bot-llama-3-1-8b-7d9f-x2x", "file model.safetensors", "gets no traffic");
    assertThat(condition(plan, "Ready").getReason())
        .isEqualTo(ModelDeploymentConditions.DIGEST_MISMATCH);
    // The ready pod still serves: Available is about the endpoint, Ready about the whole.
    assertThat(condition(plan, "Available").getStatus()).isEqualTo(Condition.TRUE);
    assertThat(plan.refusals()).hasSize(1);
    assertThat(plan.conditions().events())
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.reason()).isEqualTo("DigestMismatch");
            });
  }

  @Test
  void aPodThatCouldNotFetchIsDegradedFetchFailedAndAVerdictOutranksIt() {
    world.verified(BASE);
    run();
    world.refusingPod(BASE, "pod-a", 3, "fetch-and-verify failed: connection refused: minio");

    assertThat(condition(run(), "Degraded").getReason())
        .isEqualTo(ModelDeploymentConditions.FETCH_FAILED);

    world.refusingPod(BASE, "pod-b", 1, "verification failed (UNTRUSTED_KEY, signature): key k1");
    assertThat(condition(run(), "Degraded").getReason())
        .isEqualTo(ModelDeploymentConditions.UNTRUSTED_KEY);
  }

  @Test
  void aFailureKindTheOperatorDoesNotKnowIsVerificationRefused() {
    assertThat(PodRefusal.reasonOf("PROVENANCE_MISMATCH")).isEqualTo("ProvenanceMismatch");
    assertThat(PodRefusal.reasonOf("SOMETHING_NEW")).isEqualTo("VerificationRefused");
  }

  @Test
  void aPodOfAnotherVersionDoesNotDegradeTheCurrentOne() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 2);
    world.refusingPod("old-version", "old-pod", 1, "verification failed (DIGEST_MISMATCH, a): b");

    assertThat(condition(run(), "Degraded").getStatus()).isEqualTo(Condition.FALSE);
  }

  @Test
  void scaledToZeroIsNotAvailableButNotDegraded() {
    world.verified(BASE).replicas(0);
    run();
    world.workloadReports(BASE, 0, 0);

    ServingPlan plan = run();

    assertThat(condition(plan, "Available").getReason())
        .isEqualTo(ModelDeploymentConditions.SCALED_TO_ZERO);
    assertThat(condition(plan, "Degraded").getStatus()).isEqualTo(Condition.FALSE);
  }

  @Test
  void aVersionTheSpecNoLongerNamesIsRetiredOnlyOnceTheNewOneServesInFull() {
    world.verified(BASE);
    run();
    world.workloadReports(BASE, 2, 2);
    run();
    world.versions.put(
        "llama-v2",
        ServingWorld.model("llama-v2", dev.lathe.api.v1alpha1.ModelFormat.HF_SAFETENSORS, null));
    world.verified("llama-v2");
    world.deployment.getSpec().setModelVersion("llama-v2");

    ServingPlan creating = run();
    assertThat(stepNames(creating)).contains("create Deployment/support-bot-llama-v2");
    assertThat(stepNames(creating)).noneMatch(s -> s.startsWith("retire"));

    world.workloadReports("llama-v2", 2, 1);
    assertThat(stepNames(run())).isEmpty();

    world.workloadReports("llama-v2", 2, 2);
    ServingPlan retiring = run();
    assertThat(stepNames(retiring)).containsExactly("retire " + BASE);
    assertThat(world.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("support-bot-llama-v2");
    assertThat(world.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("support-bot", "support-bot-llama-v2");
  }
}
