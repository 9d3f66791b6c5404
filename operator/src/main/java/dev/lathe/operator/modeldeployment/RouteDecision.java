package dev.lathe.operator.modeldeployment;

import static dev.lathe.api.v1alpha1.ModelDeploymentRouteConditions.ROUTED;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentRouteConditions;
import dev.lathe.api.v1alpha1.TrafficRoutingType;
import dev.lathe.operator.serving.GatewayTarget;
import dev.lathe.operator.serving.HttpRouteBuilder;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.serving.ServingServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The route step of a serving decision, and the endpoint it gives: pure, from the {@link
 * RouteSnapshot} alone. Called once the workloads are wanted (so nothing is routed before every
 * model is verified).
 *
 * <ul>
 *   <li>No Gateway configured: no route, no Routed condition; the endpoint is the Service's
 *       in-cluster URL.
 *   <li>A Gateway configured on a cluster without the Gateway API: Routed=False GatewayApiMissing.
 *   <li>The spec names its own HTTPRoute (spec.rollout.trafficRouting): the rollout manages that
 *       one; the operator's default route is not made (and removed if it was).
 *   <li>Otherwise the default route is created or corrected, and the endpoint becomes the gateway's
 *       URL only once the route's status for that Gateway says Accepted and ResolvedRefs for the
 *       route's current generation; until then Routed=False says why.
 * </ul>
 */
final class RouteDecision {

  private RouteDecision() {}

  static void decide(ServingPlan plan, List<String> applied, ServingSnapshot seen) {
    ModelDeployment md = seen.deployment();
    RouteSnapshot route = seen.route();
    ServingConditionWriter conditions = plan.conditions();
    String inCluster = ServingServiceBuilder.inClusterUrl(md);
    plan.status().setEndpoint(inCluster);
    switch (route.mode()) {
      case OFF -> conditions.remove(ROUTED);
      case NO_GATEWAY_API ->
          conditions.set(
              ROUTED,
              Condition.FALSE,
              ModelDeploymentRouteConditions.GATEWAY_API_MISSING,
              "LATHE_GATEWAY names Gateway "
                  + route.target().orElseThrow()
                  + ", but this cluster serves no gateway.networking.k8s.io/v1 HTTPRoute (install"
                  + " the Gateway API CRDs and restart the operator); clients use "
                  + inCluster,
              ServingConditionWriter.WARNING);
      case ON -> routed(plan, applied, seen, route.target().orElseThrow(), inCluster);
    }
  }

  private static void routed(
      ServingPlan plan,
      List<String> applied,
      ServingSnapshot seen,
      GatewayTarget target,
      String inCluster) {
    ModelDeployment md = seen.deployment();
    ServingConditionWriter conditions = plan.conditions();
    String name = ServingNames.route(md);
    Optional<HTTPRoute> observed =
        seen.route().routes().stream()
            .filter(r -> name.equals(r.getMetadata().getName()))
            .findFirst();
    Optional<String> named = namedRoute(md);
    if (named.isPresent()) {
      observed.ifPresent(
          r -> {
            plan.step(new ServingStep.Remove(r));
            conditions.tell(
                ServingConditionWriter.NORMAL,
                "RouteRemoved",
                "deleting HTTPRoute " + name + ": spec names HTTPRoute " + named.get());
          });
      conditions.set(
          ROUTED,
          Condition.FALSE,
          ModelDeploymentRouteConditions.ROUTE_NAMED_IN_SPEC,
          "spec.rollout.trafficRouting names HTTPRoute "
              + named.get()
              + ", which the rollout manages; the operator makes no route of its own",
          ServingConditionWriter.NORMAL);
      return;
    }

    HTTPRoute desired = HttpRouteBuilder.endpointRoute(md, target);
    int before = plan.steps().size();
    ServingDecision.reconcileChild(plan, applied, desired, observed, RouteDecision::sameRoute);
    boolean changing = plan.steps().size() > before;
    String gateway = "Gateway " + target.namespace() + "/" + target.name();
    Optional<ParentVerdict> verdict =
        changing ? Optional.empty() : observed.flatMap(r -> verdict(r, target));
    if (verdict.isEmpty()) {
      conditions.set(
          ROUTED,
          Condition.FALSE,
          ModelDeploymentRouteConditions.AWAITING_GATEWAY,
          "HTTPRoute " + name + " waits for " + gateway + " to accept it; clients use " + inCluster,
          null);
    } else if (!verdict.get().accepted()) {
      conditions.set(
          ROUTED,
          Condition.FALSE,
          ModelDeploymentRouteConditions.ROUTE_NOT_ACCEPTED,
          gateway + " does not route HTTPRoute " + name + ": " + verdict.get().why(),
          ServingConditionWriter.WARNING);
    } else {
      Optional<String> base = target.externalUrl().or(() -> gatewayUrl(seen, target));
      if (base.isEmpty()) {
        conditions.set(
            ROUTED,
            Condition.FALSE,
            ModelDeploymentRouteConditions.GATEWAY_ADDRESS_UNKNOWN,
            gateway
                + " accepted HTTPRoute "
                + name
                + " but reports no address; set LATHE_GATEWAY_URL to the URL clients reach it at",
            ServingConditionWriter.WARNING);
        return;
      }
      String endpoint = base.get() + HttpRouteBuilder.pathPrefix(md) + "/v1";
      plan.status().setEndpoint(endpoint);
      conditions.set(
          ROUTED,
          Condition.TRUE,
          ModelDeploymentRouteConditions.ROUTE_ACCEPTED,
          gateway + " routes HTTPRoute " + name + "; clients use " + endpoint,
          ServingConditionWriter.NORMAL);
    }
  }

  /** The HTTPRoute a rollout with traffic routing by HTTPRoute names, if any. */
  static Optional<String> namedRoute(ModelDeployment md) {
    return Optional.ofNullable(md.getSpec().getRollout())
        .map(r -> r.getTrafficRouting())
        .filter(t -> t.getType() == TrafficRoutingType.HTTP_ROUTE && t.getHttpRoute() != null)
        .map(t -> t.getHttpRoute().getName());
  }

  /**
   * What the Gateway said of the route's current generation: empty while it has not (yet) said.
   *
   * @param accepted Accepted=True and ResolvedRefs=True
   * @param why the refusing condition's type, reason and message
   */
  record ParentVerdict(boolean accepted, String why) {}

  static Optional<ParentVerdict> verdict(HTTPRoute route, GatewayTarget target) {
    if (route.getStatus() == null || route.getStatus().getParents() == null) {
      return Optional.empty();
    }
    long generation = Optional.ofNullable(route.getMetadata().getGeneration()).orElse(0L);
    for (RouteParentStatus parent : route.getStatus().getParents()) {
      if (!isTarget(parent.getParentRef(), route.getMetadata().getNamespace(), target)) {
        continue;
      }
      List<io.fabric8.kubernetes.api.model.Condition> current =
          Optional.ofNullable(parent.getConditions()).orElse(List.of()).stream()
              .filter(
                  c -> c.getObservedGeneration() == null || c.getObservedGeneration() >= generation)
              .toList();
      Optional<io.fabric8.kubernetes.api.model.Condition> refusing =
          current.stream()
              .filter(c -> "Accepted".equals(c.getType()) || "ResolvedRefs".equals(c.getType()))
              .filter(c -> "False".equals(c.getStatus()))
              .findFirst();
      if (refusing.isPresent()) {
        var c = refusing.get();
        return Optional.of(
            new ParentVerdict(
                false, c.getType() + "=False, " + c.getReason() + ": " + c.getMessage()));
      }
      boolean accepted = isTrue(current, "Accepted") && isTrue(current, "ResolvedRefs");
      return accepted ? Optional.of(new ParentVerdict(true, "")) : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * {@code scheme://address[:port]} of the Gateway's first reported address and the listener the
   * route attaches to (the named one, else the first); empty while the Gateway reports none.
   */
  static Optional<String> gatewayUrl(ServingSnapshot seen, GatewayTarget target) {
    Optional<Gateway> gateway = seen.route().gateway();
    if (gateway.isEmpty()
        || gateway.get().getStatus() == null
        || gateway.get().getStatus().getAddresses() == null
        || gateway.get().getStatus().getAddresses().isEmpty()
        || gateway.get().getSpec() == null
        || gateway.get().getSpec().getListeners() == null) {
      return Optional.empty();
    }
    Optional<Listener> listener =
        gateway.get().getSpec().getListeners().stream()
            .filter(l -> target.listener().map(n -> n.equals(l.getName())).orElse(true))
            .findFirst();
    GatewayStatusAddress address = gateway.get().getStatus().getAddresses().get(0);
    if (listener.isEmpty() || address.getValue() == null || address.getValue().isBlank()) {
      return Optional.empty();
    }
    boolean tls = List.of("HTTPS", "TLS").contains(listener.get().getProtocol());
    String scheme = tls ? "https" : "http";
    int port = Optional.ofNullable(listener.get().getPort()).orElse(tls ? 443 : 80);
    String host =
        address.getValue().contains(":") ? "[" + address.getValue() + "]" : address.getValue();
    boolean defaultPort = (tls && port == 443) || (!tls && port == 80);
    return Optional.of(scheme + "://" + host + (defaultPort ? "" : ":" + port));
  }

  private static boolean isTarget(
      ParentReference ref, String routeNamespace, GatewayTarget target) {
    if (ref == null) {
      return false;
    }
    String namespace = Optional.ofNullable(ref.getNamespace()).orElse(routeNamespace);
    return target.name().equals(ref.getName())
        && target.namespace().equals(namespace)
        && Objects.equals(target.listener().orElse(null), ref.getSectionName());
  }

  private static boolean isTrue(List<io.fabric8.kubernetes.api.model.Condition> all, String type) {
    return all.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The fields a person may edit by hand: where the route attaches, what it matches, where it
   * sends; the API server's defaults (weights, group) do not count as drift.
   */
  private static boolean sameRoute(HTTPRoute desired, HTTPRoute observed) {
    return observed.getSpec() != null
        && Objects.equals(parents(desired), parents(observed))
        && Objects.equals(rules(desired), rules(observed));
  }

  private static List<String> parents(HTTPRoute route) {
    return Optional.ofNullable(route.getSpec().getParentRefs()).orElse(List.of()).stream()
        .map(p -> p.getNamespace() + "/" + p.getName() + "/" + p.getSectionName())
        .toList();
  }

  private static List<String> rules(HTTPRoute route) {
    return Optional.ofNullable(route.getSpec().getRules()).orElse(List.of()).stream()
        .map(RouteDecision::ruleShape)
        .toList();
  }

  private static String ruleShape(HTTPRouteRule rule) {
    String matches =
        Optional.ofNullable(rule.getMatches()).orElse(List.of()).stream()
            .map(m -> m.getPath() == null ? "*" : m.getPath().getType() + m.getPath().getValue())
            .toList()
            .toString();
    String filters =
        Optional.ofNullable(rule.getFilters()).orElse(List.of()).stream()
            .map(
                f ->
                    f.getType()
                        + (f.getUrlRewrite() == null || f.getUrlRewrite().getPath() == null
                            ? ""
                            : f.getUrlRewrite().getPath().getReplacePrefixMatch()))
            .toList()
            .toString();
    String backends =
        Optional.ofNullable(rule.getBackendRefs()).orElse(List.of()).stream()
            .map(b -> b.getName() + ":" + b.getPort())
            .toList()
            .toString();
    return matches + filters + backends;
  }
}
