package dev.lathe.operator.rollout.traffic;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a canary weight is set on a route: the spec carries it, and every parent (Gateway) the
 * route's status lists has Accepted and ResolvedRefs True for the route's current generation, so
 * the gateway has taken the weights in. A weight the spec carries but no gateway has accepted yet
 * is not set: traffic may still follow the old weights. Pure.
 */
public final class RouteWeightsCheck {

  /**
   * @param set whether traffic follows the weights now
   * @param reason why not, in words; null when set
   */
  public record Readback(boolean set, String reason) {

    static Readback pending(String reason) {
      return new Readback(false, reason);
    }
  }

  private RouteWeightsCheck() {}

  public static Readback read(
      HTTPRoute route, String stableService, String canaryService, int weight) {
    if (route == null) {
      return Readback.pending("the HTTPRoute does not exist");
    }
    String name = route.getMetadata().getName();
    int index;
    try {
      index = RouteWeightsBuilder.ruleIndex(route, stableService);
    } catch (IllegalArgumentException e) {
      return Readback.pending(e.getMessage());
    }
    List<HTTPBackendRef> refs = route.getSpec().getRules().get(index).getBackendRefs();
    Optional<Integer> stable = weightOf(refs, stableService);
    Optional<Integer> canary = weightOf(refs, canaryService);
    if (!stable.equals(Optional.of(100 - weight)) || !canary.equals(Optional.of(weight))) {
      return Readback.pending(
          "HTTPRoute "
              + name
              + " sends "
              + canary.map(String::valueOf).orElse("no")
              + " to the canary and "
              + stable.map(String::valueOf).orElse("no")
              + " to stable, not "
              + weight
              + "/"
              + (100 - weight));
    }
    Long generation = route.getMetadata().getGeneration();
    List<RouteParentStatus> parents =
        route.getStatus() == null ? null : route.getStatus().getParents();
    if (parents == null || parents.isEmpty()) {
      return Readback.pending("no Gateway has reported on HTTPRoute " + name + " yet");
    }
    for (RouteParentStatus parent : parents) {
      String gateway =
          parent.getParentRef() == null
              ? "its Gateway"
              : "Gateway " + parent.getParentRef().getName();
      for (String type : List.of("Accepted", "ResolvedRefs")) {
        Optional<Condition> condition =
            Optional.ofNullable(parent.getConditions()).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
        if (condition.isEmpty()
            || !Objects.equals(condition.get().getObservedGeneration(), generation)) {
          return Readback.pending(
              gateway + " has not reported " + type + " for generation " + generation + " yet");
        }
        if (!"True".equals(condition.get().getStatus())) {
          return Readback.pending(
              gateway
                  + " reports "
                  + type
                  + "="
                  + condition.get().getStatus()
                  + " ("
                  + condition.get().getReason()
                  + "): "
                  + condition.get().getMessage());
        }
      }
    }
    return new Readback(true, null);
  }

  private static Optional<Integer> weightOf(List<HTTPBackendRef> refs, String service) {
    return refs.stream()
        .filter(r -> RouteWeightsBuilder.refersTo(r, service))
        .findFirst()
        .map(r -> r.getWeight() == null ? 1 : r.getWeight());
  }
}
