package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.RolloutHarness.NEXT;
import static dev.lathe.operator.modeldeployment.RolloutHarness.condition;
import static dev.lathe.operator.modeldeployment.RolloutHarness.gated;
import static dev.lathe.operator.modeldeployment.RolloutHarness.reason;
import static dev.lathe.operator.modeldeployment.RolloutHarness.step;
import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.CanaryPause;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.HttpRouteReference;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.api.v1alpha1.TrafficRouting;
import dev.lathe.api.v1alpha1.TrafficRoutingType;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model rollout with HTTPRoute traffic routing, each branch through the serving loop against the
 * fakes: the user's route "support-bot-public" sends its traffic to the stable track Service, and
 * the rollout moves the weights between it and the canary track Service.
 */
class HttpRouteRolloutTest {

  static final String ROUTE = "support-bot-public";
  static final String GATE_0 = "support-bot-gate-0-" + ServingWorld.digestOf(NEXT).substring(7, 15);

  @Test
  void outsideARolloutBothTrackServicesSelectTheStableVersionAndTheRouteSendsItEverything() {
    ServingWorld world = new ServingWorld().verified(BASE).userRoute(ROUTE);
    RolloutSpec rollout = new RolloutSpec();
    rollout.setSteps(List.of(step(50)));
    rollout.setTrafficRouting(byRoute());
    world.deployment.getSpec().setRollout(rollout);
    ServingLoop loop =
        new ServingLoop(
            new ServingDecision(RolloutHarness.RECHECK, java.util.Optional.empty()),
            new TestingServingActions(world));

    loop.run(world.snapshot(), java.time.Instant.parse("2026-12-01T12:00:00Z"));

    assertThat(selectedVersion(world, ServingNames.STABLE)).isEqualTo(BASE);
    assertThat(selectedVersion(world, ServingNames.CANARY)).isEqualTo(BASE);
    assertThat(world.routeWeights())
        .containsExactly(entry(track(world, ServingNames.STABLE), 100), entry(canary(world), 0));
    assertThat(world.namedRoute.getSpec().getParentRefs())
        .as("only the rules' weights are the rollout's")
        .hasSize(1);
  }

  @Test
  void theStepsWeightGoesOnTheRouteOnceItsPodsAreReadyAndCountsOnlyOnceTheGatewayAcceptsIt() {
    RolloutHarness h = routed(approval(50));
    h.world.gatewayAcceptsRoute();

    ServingPlan waiting = h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS, "route");
    for (int i = 0; i < 3; i++) {
      h.world.settle("route");
      waiting = h.reconcile();
    }

    assertThat(h.world.routeWeights())
        .containsExactly(
            entry(track(h.world, ServingNames.STABLE), 50), entry(canary(h.world), 50));
    assertThat(waiting.status().getCanaryWeight()).as("not set until accepted").isZero();
    assertThat(waiting.status().getPauseStartTime()).as("no pause clock yet").isNull();
    assertThat(condition(waiting, "Progressing").getMessage())
        .contains(
            "HTTPRoute " + ROUTE + " is to send 50%",
            "has not reported Accepted for generation 3 yet");
    assertThat(selectedVersion(h.world, ServingNames.CANARY)).isEqualTo(NEXT);
    assertThat(selectedVersion(h.world, ServingNames.STABLE)).isEqualTo(BASE);
    assertThat(h.endpoint().getSpec().getSelector())
        .as("the endpoint serves stable only: the canary's share is exactly the route's")
        .containsEntry(ServingNames.VERSION_LABEL, BASE);

    ServingPlan accepted = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    assertThat(accepted.status().getCanaryWeight()).isEqualTo(50);
    assertThat(accepted.status().getPauseStartTime()).isNotNull();
  }

  @Test
  void theWeightWaitsUntilTheCanaryServicesEndpointSlicesListTheCandidatesReadyPods() {
    RolloutHarness h = routed(approval(50));
    // The controller's slices still list what the canary Service selected before the rollout:
    // the stable version's pods, which must not count as the candidate's.
    ServingPlan waiting = h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS, "endpoints");
    for (int i = 0; i < 3; i++) {
      h.world.settle("endpoints");
      waiting = h.reconcile();
    }

    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 0);
    assertThat(waiting.status().getCanaryWeight()).isZero();
    assertThat(condition(waiting, "Progressing").getMessage())
        .contains(
            "Service " + canary(h.world) + " lists 0 of the 1 ready pods of " + NEXT,
            "HTTPRoute " + ROUTE + " keeps 0% on the canary");

    ServingPlan listed = h.until(ModelDeploymentConditions.AWAITING_APPROVAL);
    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 50);
    assertThat(listed.status().getCanaryWeight()).isEqualTo(50);
  }

  @Test
  void endpointsThatNeverListTheCandidateRollBackAtTheProgressDeadline() {
    RolloutHarness h = routed(step(50));
    h.rollout().setProgressDeadline("2m");
    h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS, "endpoints");
    for (int i = 0; i < 3; i++) {
      h.world.settle("endpoints");
      h.reconcile();
    }

    h.now = h.now.plusSeconds(180);
    ServingPlan rolledBack = h.reconcile();

    assertThat(reason(rolledBack, "RolledBack"))
        .isEqualTo(ModelDeploymentConditions.TRAFFIC_NOT_ROUTED);
    assertThat(condition(rolledBack, "Degraded").getMessage())
        .contains(
            "the canary Service's endpoints did not list the candidate's pods within the"
                + " progress deadline of 120s",
            "lists 0 of the 1 ready pods",
            "back on " + BASE);
    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 0);
  }

  @Test
  void whileTheNextStepsPodsComeTheRouteKeepsTheLastStepsWeight() {
    RolloutHarness h = routed(step(25), approval(75));
    h.untilPlan(p -> p.status().getCurrentStep() == 1, "step 1");
    h.reconcile();

    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 25);
    assertThat(h.reconcile().status().getCanaryWeight()).isEqualTo(25);
    assertThat(h.until(ModelDeploymentConditions.AWAITING_APPROVAL).status().getCanaryWeight())
        .isEqualTo(75);
    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 75);
  }

  @Test
  void promotionPointsTheStableServiceAtTheCandidateAndTakesTheCanaryWeightBackToZero() {
    RolloutHarness h = routed(step(50));

    ServingPlan promoted =
        h.untilPlan(
            p -> NEXT.equals(p.status().getStableVersion()) && h.world.routeWeights().size() == 2,
            "promotion");
    h.reconcile();

    assertThat(promoted.status().getHistory()).extracting("version").containsExactly(NEXT);
    assertThat(selectedVersion(h.world, ServingNames.STABLE)).isEqualTo(NEXT);
    assertThat(selectedVersion(h.world, ServingNames.CANARY)).isEqualTo(NEXT);
    assertThat(h.world.routeWeights())
        .containsExactly(
            entry(track(h.world, ServingNames.STABLE), 100), entry(canary(h.world), 0));
  }

  @Test
  void aFailedGateTakesTheCanarysWeightOffTheRouteAtOnce() {
    RolloutHarness h = routed(gated(step(25)));
    h.until(ModelDeploymentConditions.GATE_RUNNING);
    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 25);
    h.gateSays(
        GATE_0,
        AnalysisVerdict.Failed,
        "accuracy over 200 samples",
        TestingRolloutGate.result(EvaluationMetric.ACCURACY, 0.61, 0.84, false));

    ServingPlan plan = h.reconcile();

    assertThat(reason(plan, "RolledBack")).isEqualTo(ModelDeploymentConditions.GATE_FAILED);
    assertThat(h.world.routeWeights()).containsEntry(canary(h.world), 0);
    assertThat(h.world.routeWeights()).containsEntry(track(h.world, ServingNames.STABLE), 100);
    assertThat(selectedVersion(h.world, ServingNames.CANARY))
        .as("the candidate's pods wait out scaleDownDelay behind nothing")
        .isEqualTo(BASE);
  }

  @Test
  void aMissingRouteHoldsTheStepAndRollsBackAtTheProgressDeadlineWithTheRoutesOwnWords() {
    RolloutHarness h = routed(step(50));
    h.world.namedRoute = null;
    h.rollout().setProgressDeadline("2m");

    ServingPlan holding = h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS);
    for (int i = 0; i < 3; i++) {
      h.world.settle();
      holding = h.reconcile();
    }
    assertThat(condition(holding, "Progressing").getMessage())
        .contains("the HTTPRoute does not exist");
    assertThat(holding.status().getCurrentStep()).isZero();

    h.now = h.now.plusSeconds(180);
    ServingPlan rolledBack = h.reconcile();

    assertThat(reason(rolledBack, "RolledBack"))
        .isEqualTo(ModelDeploymentConditions.TRAFFIC_NOT_ROUTED);
    assertThat(condition(rolledBack, "Degraded").getMessage())
        .contains("progress deadline of 120s", "the HTTPRoute does not exist", "back on " + BASE);
  }

  @Test
  void aRouteWithNoRuleToTheStableServiceIsNamedAsSuch() {
    RolloutHarness h = routed(step(50));
    h.world.namedRoute.getSpec().getRules().get(0).getBackendRefs().get(0).setName("legacy-svc");

    h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS);
    h.world.settle();
    ServingPlan plan = h.reconcile();
    h.world.settle();
    plan = h.reconcile();

    assertThat(condition(plan, "Progressing").getMessage())
        .contains("no rule with a backendRef to Service " + track(h.world, ServingNames.STABLE));
    assertThat(h.world.routeWeights()).as("a route that points elsewhere is left alone").hasSize(1);
  }

  @Test
  void aClusterWithoutTheGatewayApiIsNamedAsTheReasonTheStepWaits() {
    RolloutHarness h = routed(step(50));
    h.world.namedRoutesWatched = false;

    h.until(ModelDeploymentConditions.ROLLOUT_IN_PROGRESS);
    h.world.settle();
    ServingPlan plan = h.reconcile();
    h.world.settle();
    plan = h.reconcile();

    assertThat(condition(plan, "Progressing").getMessage())
        .contains("served no gateway.networking.k8s.io/v1 HTTPRoute", "Gateway API CRDs");
  }

  @Test
  void routingByPodRatioAgainRemovesTheTrackServices() {
    RolloutHarness h = routed(step(50));
    h.reconcile();
    assertThat(h.world.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .contains(track(h.world, ServingNames.STABLE), canary(h.world));

    h.rollout().setTrafficRouting(null);
    h.reconcile();

    assertThat(h.world.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .doesNotContain(track(h.world, ServingNames.STABLE), canary(h.world));
  }

  private static RolloutHarness routed(CanaryStep... steps) {
    RolloutHarness h = new RolloutHarness(2, steps);
    h.world.userRoute(ROUTE);
    h.rollout().setTrafficRouting(byRoute());
    return h;
  }

  private static TrafficRouting byRoute() {
    HttpRouteReference reference = new HttpRouteReference();
    reference.setName(ROUTE);
    TrafficRouting routing = new TrafficRouting();
    routing.setType(TrafficRoutingType.HTTP_ROUTE);
    routing.setHttpRoute(reference);
    return routing;
  }

  private static CanaryStep approval(int weight) {
    CanaryStep step = step(weight);
    step.setPause(new CanaryPause());
    return step;
  }

  private static String track(ServingWorld world, String track) {
    return ServingNames.trackService(world.deployment, track);
  }

  private static String canary(ServingWorld world) {
    return track(world, ServingNames.CANARY);
  }

  private static String selectedVersion(ServingWorld world, String track) {
    Map<String, String> selector =
        world.get(Service.class, track(world, track)).getSpec().getSelector();
    return selector.get(ServingNames.VERSION_LABEL);
  }
}
