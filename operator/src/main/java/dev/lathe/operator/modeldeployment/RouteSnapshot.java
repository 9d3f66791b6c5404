package dev.lathe.operator.modeldeployment;

import dev.lathe.operator.serving.GatewayTarget;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.List;
import java.util.Optional;

/**
 * What the observer saw of routing for one ModelDeployment, from the informer caches.
 *
 * @param mode whether the operator routes through a Gateway at all
 * @param target the Gateway of LATHE_GATEWAY, when set
 * @param gateway that Gateway as cached (its addresses and listeners), when watched and present;
 *     not watched when LATHE_GATEWAY_URL gives the URL
 * @param routes the HTTPRoutes this operator made for the ModelDeployment
 * @param namedRoutesWatched whether the cluster serves HTTPRoutes, so that the one
 *     spec.rollout.trafficRouting names is watched (decided once at start, see {@link Routing})
 * @param namedRoute that route as cached, when the spec names one and it exists
 * @param endpointSlices the EndpointSlices of this deployment's Services (watched with the named
 *     routes: a rollout puts a weight on the route only once its track Service's slices list the
 *     pods it should send to)
 */
public record RouteSnapshot(
    Mode mode,
    Optional<GatewayTarget> target,
    Optional<Gateway> gateway,
    List<HTTPRoute> routes,
    boolean namedRoutesWatched,
    Optional<HTTPRoute> namedRoute,
    List<EndpointSlice> endpointSlices) {

  /** Whether HTTPRoutes are made, as decided once at start (see {@link Routing}). */
  public enum Mode {
    /** No LATHE_GATEWAY: no route; the endpoint is the Service's in-cluster URL. */
    OFF,
    /** LATHE_GATEWAY is set, but the cluster serves no HTTPRoute kind: said in the status. */
    NO_GATEWAY_API,
    /** HTTPRoutes are made and watched. */
    ON
  }

  public RouteSnapshot {
    routes = List.copyOf(routes);
    endpointSlices = List.copyOf(endpointSlices);
  }
}
