package dev.lathe.operator.rollout.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTPRoute weights' apply configuration and read-back. */
class RouteWeightsTest {

  /** A user's route: a docs rule to another Service, then the model's rule to stable only. */
  static HTTPRoute userRoute() {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withName("public-chat")
        .withNamespace("ml")
        .withGeneration(4L)
        .addToLabels("team", "chat")
        .endMetadata()
        .withNewSpec()
        .withHostnames("chat.example.com")
        .addNewParentRef()
        .withName("edge")
        .endParentRef()
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue("/docs")
        .endPath()
        .endMatch()
        .addNewBackendRef()
        .withName("docs")
        .withPort(80)
        .endBackendRef()
        .endRule()
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue("/v1")
        .endPath()
        .endMatch()
        .withNewTimeouts()
        .withRequest("300s")
        .endTimeouts()
        .addNewBackendRef()
        .withName("chat-chat-v1")
        .withPort(8000)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  private static HTTPRoute accepted(HTTPRoute route, long generation, String resolvedRefs) {
    return new HTTPRouteBuilder(route)
        .withNewStatus()
        .addNewParent()
        .withControllerName("traefik.io/gateway-controller")
        .withNewParentRef()
        .withName("edge")
        .endParentRef()
        .withConditions(
            new ConditionBuilder()
                .withType("Accepted")
                .withStatus("True")
                .withReason("Accepted")
                .withObservedGeneration(generation)
                .build(),
            new ConditionBuilder()
                .withType("ResolvedRefs")
                .withStatus(resolvedRefs)
                .withReason(resolvedRefs.equals("True") ? "ResolvedRefs" : "BackendNotFound")
                .withMessage(resolvedRefs.equals("True") ? "" : "service ml/chat-chat-v2 not found")
                .withObservedGeneration(generation)
                .build())
        .endParent()
        .endStatus()
        .build();
  }

  @Test
  void theApplySetsTheTwoWeightsInTheStablesRuleAndRepeatsEveryOtherRuleAsObserved() {
    HTTPRoute route = userRoute();

    HTTPRoute apply = RouteWeightsBuilder.apply(route, "chat-chat-v1", "chat-chat-v2", 20);

    assertThat(apply.getMetadata().getName()).isEqualTo("public-chat");
    // What goes on the wire: nothing of the route but its rules, so the user keeps the rest.
    String wire = io.fabric8.kubernetes.client.utils.Serialization.asJson(apply);
    assertThat(wire)
        .doesNotContain("labels")
        .doesNotContain("hostnames")
        .doesNotContain("parentRefs")
        .doesNotContain("generation")
        .contains("\"kind\":\"HTTPRoute\"");
    List<HTTPRouteRule> rules = apply.getSpec().getRules();
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0)).isEqualTo(route.getSpec().getRules().get(0));
    assertThat(rules.get(1).getMatches()).isEqualTo(route.getSpec().getRules().get(1).getMatches());
    assertThat(rules.get(1).getTimeouts().getRequest()).isEqualTo("300s");
    assertThat(rules.get(1).getBackendRefs())
        .extracting(HTTPBackendRef::getName, HTTPBackendRef::getPort, HTTPBackendRef::getWeight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("chat-chat-v1", 8000, 80),
            org.assertj.core.groups.Tuple.tuple("chat-chat-v2", 8000, 20));
  }

  @Test
  void aRuleThatHasTheCanaryAlreadyGetsItsWeightChangedNotASecondRef() {
    HTTPRoute once = userRoute();
    once.getSpec()
        .setRules(
            RouteWeightsBuilder.apply(once, "chat-chat-v1", "chat-chat-v2", 20)
                .getSpec()
                .getRules());

    HTTPRoute twice = RouteWeightsBuilder.apply(once, "chat-chat-v1", "chat-chat-v2", 50);

    assertThat(twice.getSpec().getRules().get(1).getBackendRefs())
        .extracting(HTTPBackendRef::getWeight)
        .containsExactly(50, 50);
  }

  @Test
  void weightZeroSendsEverythingBackToStable() {
    HTTPRoute apply = RouteWeightsBuilder.apply(userRoute(), "chat-chat-v1", "chat-chat-v2", 0);

    assertThat(apply.getSpec().getRules().get(1).getBackendRefs())
        .extracting(HTTPBackendRef::getWeight)
        .containsExactly(100, 0);
  }

  @Test
  void aRouteWithoutARuleToStableIsRefusedSayingWhatToDo() {
    assertThatThrownBy(() -> RouteWeightsBuilder.apply(userRoute(), "other", "chat-chat-v2", 10))
        .hasMessage(
            "HTTPRoute public-chat has no rule with a backendRef to Service other: point one rule"
                + " at the stable version's Service");
  }

  private static HTTPRoute weighted(int weight) {
    HTTPRoute route = userRoute();
    route
        .getSpec()
        .setRules(
            RouteWeightsBuilder.apply(route, "chat-chat-v1", "chat-chat-v2", weight)
                .getSpec()
                .getRules());
    return route;
  }

  @Test
  void aWeightIsSetOnlyOnceTheGatewayAcceptedAndResolvedTheCurrentGeneration() {
    RouteWeightsCheck.Readback set =
        RouteWeightsCheck.read(
            accepted(weighted(20), 4, "True"), "chat-chat-v1", "chat-chat-v2", 20);

    assertThat(set.set()).isTrue();
    assertThat(set.reason()).isNull();
  }

  @Test
  void aStatusForAnOlderGenerationDoesNotCount() {
    RouteWeightsCheck.Readback stale =
        RouteWeightsCheck.read(
            accepted(weighted(20), 3, "True"), "chat-chat-v1", "chat-chat-v2", 20);

    assertThat(stale.set()).isFalse();
    assertThat(stale.reason())
        .isEqualTo("Gateway edge has not reported Accepted for generation 4 yet");
  }

  @Test
  void unresolvedRefsAreNotSetAndTheGatewaysWordsAreQuoted() {
    RouteWeightsCheck.Readback unresolved =
        RouteWeightsCheck.read(
            accepted(weighted(20), 4, "False"), "chat-chat-v1", "chat-chat-v2", 20);

    assertThat(unresolved.set()).isFalse();
    assertThat(unresolved.reason())
        .isEqualTo(
            "Gateway edge reports ResolvedRefs=False (BackendNotFound): service ml/chat-chat-v2 not"
                + " found");
  }

  @Test
  void otherWeightsInTheSpecAreNotSet() {
    RouteWeightsCheck.Readback other =
        RouteWeightsCheck.read(
            accepted(weighted(20), 4, "True"), "chat-chat-v1", "chat-chat-v2", 50);

    assertThat(other.set()).isFalse();
    assertThat(other.reason())
        .isEqualTo("HTTPRoute public-chat sends 20 to the canary and 80 to stable, not 50/50");
  }

  @Test
  void aRouteNoGatewayReportedOnOrThatIsMissingIsNotSet() {
    assertThat(RouteWeightsCheck.read(weighted(20), "chat-chat-v1", "chat-chat-v2", 20).reason())
        .isEqualTo("no Gateway has reported on HTTPRoute public-chat yet");
    assertThat(RouteWeightsCheck.read(null, "chat-chat-v1", "chat-chat-v2", 20).reason())
        .isEqualTo("the HTTPRoute does not exist");
    assertThat(RouteWeightsCheck.read(userRoute(), "chat-chat-v1", "chat-chat-v2", 20).reason())
        .isEqualTo("HTTPRoute public-chat sends no to the canary and 1 to stable, not 20/80");
  }
}
