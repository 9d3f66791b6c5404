package dev.lathe.operator.modeldeployment;

import dev.lathe.operator.serving.GatewayTarget;
import java.util.Optional;

/**
 * How the ModelDeployment reconciler routes, decided once when the operator starts: the Gateway of
 * LATHE_GATEWAY, and whether the cluster serves the Gateway API's HTTPRoute kind. Informers for the
 * operator's own HTTPRoutes (and for the Gateway, when no LATHE_GATEWAY_URL gives its URL) are
 * registered only when both hold, the one for routes a rollout's spec names whenever the kind is
 * served, so the operator starts on clusters without the Gateway API CRDs; installing them later
 * takes a restart.
 *
 * @param target the Gateway routes attach to; absent means no routing
 * @param gatewayApiServed whether discovery lists gateway.networking.k8s.io/v1 HTTPRoute
 */
public record Routing(Optional<GatewayTarget> target, boolean gatewayApiServed) {

  public static final Routing OFF = new Routing(Optional.empty(), false);

  public RouteSnapshot.Mode mode() {
    if (target.isEmpty()) {
      return RouteSnapshot.Mode.OFF;
    }
    return gatewayApiServed ? RouteSnapshot.Mode.ON : RouteSnapshot.Mode.NO_GATEWAY_API;
  }

  /** HTTPRoutes are made and watched. */
  public boolean watchesRoutes() {
    return mode() == RouteSnapshot.Mode.ON;
  }

  /** Routes named by spec.rollout.trafficRouting are watched: the cluster serves HTTPRoutes. */
  public boolean watchesNamedRoutes() {
    return gatewayApiServed;
  }

  /** The Gateway object is watched for its address: routing is on and no URL is configured. */
  public boolean watchesGateway() {
    return watchesRoutes() && target.get().externalUrl().isEmpty();
  }
}
