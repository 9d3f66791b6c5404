package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static dev.lathe.operator.modeldeployment.ServingWorld.MD;
import static dev.lathe.operator.modeldeployment.ServingWorld.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.HttpRouteReference;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentRouteConditions;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.api.v1alpha1.TrafficRouting;
import dev.lathe.api.v1alpha1.TrafficRoutingType;
import dev.lathe.operator.serving.GatewayTarget;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the route step: which route is made, and when the endpoint is the gateway's. */
class RouteDecisionTest {

  static final GatewayTarget TARGET =
      new GatewayTarget("lathe-gateway", "lathe", Optional.of("http"), Optional.empty());
  static final String IN_CLUSTER = "http://support-bot." + NAMESPACE + ".svc:8000/v1";
  static final String ROUTED_URL = "http://127.0.0.1:24567/" + NAMESPACE + "/" + MD + "/v1";

  final ServingWorld world = new ServingWorld();
  final ServingDecision decision =
      new ServingDecision(ServingDecisionTest.RECHECK, java.util.Optional.empty());

  ServingPlan run() {
    ServingPlan plan =
        new ServingLoop(decision, new TestingServingActions(world))
            .run(world.snapshot(), ServingDecisionTest.NOW);
    world.reported(plan);
    return plan;
  }

  RouteDecisionTest routingOn(GatewayTarget target) {
    world.routeMode = RouteSnapshot.Mode.ON;
    world.gatewayTarget = Optional.of(target);
    world.gateway = Optional.of(gateway("HTTP", 24567, "127.0.0.1"));
    return this;
  }

  static Gateway gateway(String protocol, int port, String address) {
    GatewayBuilder gateway =
        new GatewayBuilder()
            .withNewMetadata()
            .withName("lathe")
            .withNamespace("lathe-gateway")
            .endMetadata()
            .withNewSpec()
            .withGatewayClassName("traefik")
            .addNewListener()
            .withName("other")
            .withProtocol("HTTP")
            .withPort(9999)
            .endListener()
            .addNewListener()
            .withName("http")
            .withProtocol(protocol)
            .withPort(port)
            .endListener()
            .endSpec();
    if (address != null) {
      gateway.withNewStatus().addNewAddress().withValue(address).endAddress().endStatus();
    }
    return gateway.build();
  }

  HTTPRoute route() {
    return world.get(HTTPRoute.class, MD);
  }

  /** The gateway's controller reports on the route, as Traefik writes status.parents. */
  void gatewayReports(String accepted, String resolvedRefs, String reason, long generation) {
    HTTPRoute route = route();
    route.setStatus(
        new HTTPRouteStatusBuilder()
            .withParents(
                new RouteParentStatusBuilder()
                    .withControllerName("traefik.io/gateway-controller")
                    .withNewParentRef()
                    .withName("lathe")
                    .withNamespace("lathe-gateway")
                    .withSectionName("http")
                    .endParentRef()
                    .withConditions(
                        new ConditionBuilder()
                            .withType("Accepted")
                            .withStatus(accepted)
                            .withReason(reason)
                            .withMessage("as the listener says")
                            .withObservedGeneration(generation)
                            .build(),
                        new ConditionBuilder()
                            .withType("ResolvedRefs")
                            .withStatus(resolvedRefs)
                            .withReason("ResolvedRefs".equals(reason) ? reason : "Resolved")
                            .withMessage("backends")
                            .withObservedGeneration(generation)
                            .build())
                    .build())
            .build());
  }

  static Condition routed(ServingPlan plan) {
    return ServingDecisionTest.condition(plan, ModelDeploymentRouteConditions.ROUTED);
  }

  @Test
  void withoutAGatewayNoRouteIsMadeNoRoutedConditionIsSetAndTheEndpointIsTheServiceUrl() {
    world.verified(BASE);

    ServingPlan plan = run();

    assertThat(world.all(HTTPRoute.class)).isEmpty();
    assertThat(plan.conditions().get(ModelDeploymentRouteConditions.ROUTED)).isEmpty();
    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
  }

  @Test
  void aGatewayOnAClusterWithoutTheGatewayApiIsSaidInTheStatusAndNothingIsRouted() {
    world.verified(BASE).routeMode = RouteSnapshot.Mode.NO_GATEWAY_API;
    world.gatewayTarget = Optional.of(TARGET);

    ServingPlan plan = run();

    assertThat(routed(plan).getStatus()).isEqualTo(Condition.FALSE);
    assertThat(routed(plan).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.GATEWAY_API_MISSING);
    assertThat(routed(plan).getMessage()).contains("lathe-gateway/lathe/http", IN_CLUSTER);
    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::reason)
        .contains(ModelDeploymentRouteConditions.GATEWAY_API_MISSING);
    assertThat(ServingDecisionTest.condition(plan, "Ready").getReason())
        .as("routing does not hold Ready back")
        .isNotEqualTo(ModelDeploymentRouteConditions.GATEWAY_API_MISSING);
  }

  @Test
  void anUnverifiedModelGetsNoRouteEither() {
    routingOn(TARGET);
    world.verification(BASE, Condition.UNKNOWN, "Verifying", "a Job checks every digest");

    ServingPlan plan = run();

    assertThat(plan.steps()).isEmpty();
    assertThat(world.all(HTTPRoute.class)).isEmpty();
  }

  @Test
  void theRouteIsCreatedWithTheWorkloadsAndTheEndpointStaysTheServiceUrlUntilTheGatewayAccepts() {
    routingOn(TARGET).world.verified(BASE);

    ServingPlan plan = run();

    assertThat(ServingDecisionTest.stepNames(plan)).contains("create HTTPRoute/" + MD);
    assertThat(route().getSpec().getRules().get(0).getMatches().get(0).getPath().getValue())
        .isEqualTo("/" + NAMESPACE + "/" + MD);
    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(routed(plan).getReason()).isEqualTo(ModelDeploymentRouteConditions.AWAITING_GATEWAY);
    assertThat(ServingDecisionTest.condition(plan, "Progressing").getMessage())
        .contains("create HTTPRoute " + MD);

    // Seen again before the gateway said anything: still waiting, nothing applied twice.
    ServingPlan again = run();
    assertThat(ServingDecisionTest.stepNames(again)).doesNotContain("create HTTPRoute/" + MD);
    assertThat(routed(again).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.AWAITING_GATEWAY);
  }

  @Test
  void onceTheGatewayAcceptsAndResolvesTheRouteTheEndpointIsTheGatewaysUrlUnderThePathPrefix() {
    routingOn(TARGET).world.verified(BASE);
    run();
    gatewayReports("True", "True", "Accepted", route().getMetadata().getGeneration());

    ServingPlan plan = run();

    assertThat(plan.status().getEndpoint()).isEqualTo(ROUTED_URL);
    assertThat(routed(plan).getStatus()).isEqualTo(Condition.TRUE);
    assertThat(routed(plan).getReason()).isEqualTo(ModelDeploymentRouteConditions.ROUTE_ACCEPTED);
    assertThat(routed(plan).getMessage()).contains(ROUTED_URL);
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::reason)
        .contains(ModelDeploymentRouteConditions.ROUTE_ACCEPTED);
  }

  @Test
  void aConfiguredExternalUrlIsUsedInsteadOfTheGatewaysReportedAddress() {
    routingOn(
            new GatewayTarget(
                "lathe-gateway",
                "lathe",
                Optional.of("http"),
                Optional.of("https://llm.example.com")))
        .world
        .verified(BASE);
    world.gateway = Optional.empty();
    run();
    gatewayReports("True", "True", "Accepted", 1);

    assertThat(run().status().getEndpoint())
        .isEqualTo("https://llm.example.com/" + NAMESPACE + "/" + MD + "/v1");
  }

  @Test
  void theGatewayUrlIsTheListenersSchemeAndPortWithDefaultPortsLeftOutAndIpv6Bracketed() {
    routingOn(TARGET).world.verified(BASE);
    world.gateway = Optional.of(gateway("HTTPS", 443, "llm.internal"));
    run();
    gatewayReports("True", "True", "Accepted", 1);
    assertThat(run().status().getEndpoint())
        .isEqualTo("https://llm.internal/" + NAMESPACE + "/" + MD + "/v1");

    world.gateway = Optional.of(gateway("HTTP", 8080, "fd00::1"));
    assertThat(run().status().getEndpoint())
        .isEqualTo("http://[fd00::1]:8080/" + NAMESPACE + "/" + MD + "/v1");
  }

  @Test
  void anAcceptedRouteOnAGatewayWithoutAnAddressSaysSoAndKeepsTheServiceUrl() {
    routingOn(TARGET).world.verified(BASE);
    world.gateway = Optional.of(gateway("HTTP", 80, null));
    run();
    gatewayReports("True", "True", "Accepted", 1);

    ServingPlan plan = run();

    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(routed(plan).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.GATEWAY_ADDRESS_UNKNOWN);
    assertThat(routed(plan).getMessage()).contains("LATHE_GATEWAY_URL");
  }

  @Test
  void aRouteTheGatewayRefusesIsAWarningWithTheGatewaysReasonAndTheServiceUrlStays() {
    routingOn(TARGET).world.verified(BASE);
    run();
    gatewayReports("False", "True", "NotAllowedByListeners", 1);

    ServingPlan plan = run();

    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(routed(plan).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.ROUTE_NOT_ACCEPTED);
    assertThat(routed(plan).getMessage())
        .contains("Accepted=False, NotAllowedByListeners: as the listener says");
    assertThat(plan.conditions().events())
        .filteredOn(e -> e.reason().equals(ModelDeploymentRouteConditions.ROUTE_NOT_ACCEPTED))
        .extracting(ServingConditionWriter.PlannedEvent::type)
        .containsExactly(ServingConditionWriter.WARNING);
  }

  @Test
  void anUnresolvedBackendIsRefusedToo() {
    routingOn(TARGET).world.verified(BASE);
    run();
    gatewayReports("True", "False", "BackendNotFound", 1);

    assertThat(routed(run()).getMessage()).contains("ResolvedRefs=False");
  }

  @Test
  void aStatusTheGatewayWroteForAnOlderGenerationOfTheRouteIsNotTrusted() {
    routingOn(TARGET).world.verified(BASE);
    run();
    route().getMetadata().setGeneration(3L);
    gatewayReports("True", "True", "Accepted", 2);

    ServingPlan plan = run();

    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(routed(plan).getReason()).isEqualTo(ModelDeploymentRouteConditions.AWAITING_GATEWAY);
  }

  @Test
  void aStatusForAnotherGatewayDoesNotCount() {
    routingOn(new GatewayTarget("edge", "public", Optional.empty(), Optional.empty()))
        .world
        .verified(BASE);
    run();
    gatewayReports("True", "True", "Accepted", 1);

    assertThat(routed(run()).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.AWAITING_GATEWAY);
  }

  @Test
  void aHandEditedRouteIsCorrectedAndWaitsForTheGatewayAgain() {
    routingOn(TARGET).world.verified(BASE);
    run();
    gatewayReports("True", "True", "Accepted", 1);
    assertThat(run().status().getEndpoint()).isEqualTo(ROUTED_URL);
    route().getSpec().getRules().get(0).getBackendRefs().get(0).setName("someone-elses-service");

    ServingPlan plan = run();

    assertThat(ServingDecisionTest.stepNames(plan)).contains("correct HTTPRoute/" + MD);
    assertThat(route().getSpec().getRules().get(0).getBackendRefs().get(0).getName()).isEqualTo(MD);
    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(routed(plan).getReason()).isEqualTo(ModelDeploymentRouteConditions.AWAITING_GATEWAY);
    assertThat(plan.conditions().events())
        .extracting(ServingConditionWriter.PlannedEvent::reason)
        .contains("DriftCorrected");
  }

  @Test
  void whenTheSpecNamesItsOwnHttpRouteNoDefaultRouteIsMadeAndAnEarlierOneIsRemoved() {
    routingOn(TARGET).world.verified(BASE);
    run();
    assertThat(world.all(HTTPRoute.class)).hasSize(1);
    HttpRouteReference ref = new HttpRouteReference();
    ref.setName("public-chat");
    TrafficRouting traffic = new TrafficRouting();
    traffic.setType(TrafficRoutingType.HTTP_ROUTE);
    traffic.setHttpRoute(ref);
    RolloutSpec rollout = new RolloutSpec();
    rollout.setTrafficRouting(traffic);
    world.deployment.getSpec().setRollout(rollout);

    ServingPlan plan = run();

    assertThat(plan.steps()).anyMatch(s -> s instanceof ServingStep.Remove);
    assertThat(world.all(HTTPRoute.class)).isEmpty();
    assertThat(routed(plan).getReason())
        .isEqualTo(ModelDeploymentRouteConditions.ROUTE_NAMED_IN_SPEC);
    assertThat(routed(plan).getMessage()).contains("public-chat");
    assertThat(plan.status().getEndpoint()).isEqualTo(IN_CLUSTER);
    assertThat(run().steps()).noneMatch(s -> s instanceof ServingStep.Remove);
  }

  @Test
  void turningTheGatewaySettingOffDropsTheRoutedCondition() {
    routingOn(TARGET).world.verified(BASE);
    assertThat(run().conditions().get(ModelDeploymentRouteConditions.ROUTED)).isPresent();
    world.routeMode = RouteSnapshot.Mode.OFF;

    ServingPlan plan = run();

    assertThat(plan.conditions().get(ModelDeploymentRouteConditions.ROUTED)).isEmpty();
    assertThat(plan.status().getConditions())
        .extracting(Condition::getType)
        .contains(ModelDeploymentConditions.READY)
        .doesNotContain(ModelDeploymentRouteConditions.ROUTED);
    assertThat(List.of(plan.status().getEndpoint())).containsExactly(IN_CLUSTER);
  }
}
