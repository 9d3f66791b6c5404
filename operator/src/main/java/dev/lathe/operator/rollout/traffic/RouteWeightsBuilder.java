package dev.lathe.operator.rollout.traffic;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server-side-apply configuration that sets a canary's weight on a user's HTTPRoute (spec
 * .rollout.trafficRouting.httpRoute), applied with field manager {@value #FIELD_MANAGER}. Pure.
 *
 * <p>The rule it changes is the first one with a backendRef to the stable version's Service; in it
 * the stable backendRef gets {@code 100 − weight}, the canary's {@code weight} (a canary backendRef
 * is added beside stable's, same port, if the rule has none). Why the whole {@code spec.rules}:
 * Gateway API declares {@code rules} and {@code backendRefs} {@code x-kubernetes-list-type:
 * atomic}, so server-side apply owns such a list whole and cannot own one element's field; the
 * configuration therefore repeats every rule exactly as observed, changing only those two weights.
 * Everything outside {@code spec.rules} (parentRefs, hostnames, labels, annotations) is left out of
 * it and stays the user's (or Argo CD's). An Argo CD Application that owns the route therefore
 * needs {@code ignoreDifferences} for the weights (docs/rollout.md, "HTTPRoute weights").
 */
public final class RouteWeightsBuilder {

  /** The field manager of every weight the rollout sets. */
  public static final String FIELD_MANAGER = "lathe-rollout";

  private RouteWeightsBuilder() {}

  /**
   * The apply configuration for {@code route} with the canary at {@code weight} percent.
   *
   * @throws IllegalArgumentException when no rule sends traffic to {@code stableService}
   */
  public static HTTPRoute apply(
      HTTPRoute route, String stableService, String canaryService, int weight) {
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("a canary weight is 0 to 100, not " + weight);
    }
    List<HTTPRouteRule> rules = route.getSpec() == null ? null : route.getSpec().getRules();
    int index = ruleIndex(route, stableService);
    List<HTTPRouteRule> applied = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      applied.add(
          i == index ? weighted(rules.get(i), stableService, canaryService, weight) : rules.get(i));
    }
    return new HTTPRouteBuilder()
        .withApiVersion(route.getApiVersion())
        .withKind(route.getKind())
        .withNewMetadata()
        .withName(route.getMetadata().getName())
        .withNamespace(route.getMetadata().getNamespace())
        .endMetadata()
        .withNewSpec()
        .withRules(applied)
        .endSpec()
        .build();
  }

  /** The index of the first rule with a backendRef to {@code stableService}. */
  static int ruleIndex(HTTPRoute route, String stableService) {
    List<HTTPRouteRule> rules = route.getSpec() == null ? null : route.getSpec().getRules();
    if (rules != null) {
      for (int i = 0; i < rules.size(); i++) {
        if (rules.get(i).getBackendRefs() != null
            && rules.get(i).getBackendRefs().stream().anyMatch(b -> refersTo(b, stableService))) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException(
        "HTTPRoute "
            + route.getMetadata().getName()
            + " has no rule with a backendRef to Service "
            + stableService
            + ": point one rule at the stable version's Service");
  }

  static boolean refersTo(HTTPBackendRef ref, String service) {
    return service.equals(ref.getName())
        && (ref.getKind() == null || "Service".equals(ref.getKind()))
        && (ref.getGroup() == null || ref.getGroup().isEmpty());
  }

  private static HTTPRouteRule weighted(
      HTTPRouteRule rule, String stableService, String canaryService, int weight) {
    List<HTTPBackendRef> refs = new ArrayList<>();
    HTTPBackendRef stable = null;
    boolean canarySeen = false;
    for (HTTPBackendRef ref : rule.getBackendRefs()) {
      if (refersTo(ref, stableService)) {
        stable = ref;
        refs.add(new HTTPBackendRefBuilder(ref).withWeight(100 - weight).build());
      } else if (refersTo(ref, canaryService)) {
        canarySeen = true;
        refs.add(new HTTPBackendRefBuilder(ref).withWeight(weight).build());
      } else {
        refs.add(ref);
      }
    }
    if (!canarySeen) {
      refs.add(
          new HTTPBackendRefBuilder(Objects.requireNonNull(stable))
              .withName(canaryService)
              .withWeight(weight)
              .build());
    }
    return new HTTPRouteRuleBuilder(rule).withBackendRefs(refs).build();
  }
}
