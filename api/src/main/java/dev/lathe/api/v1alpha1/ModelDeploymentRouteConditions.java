package dev.lathe.api.v1alpha1;

/**
 * The ModelDeployment condition {@link #ROUTED} and its reasons: whether the operator's default
 * HTTPRoute reaches the endpoint Service through the Gateway the operator is configured with
 * (LATHE_GATEWAY). {@code status.endpoint} is the gateway's URL only while Routed is True;
 * otherwise it is the endpoint Service's in-cluster URL. Without LATHE_GATEWAY the condition is
 * absent.
 *
 * <p>Routed does not hold {@link ModelDeploymentConditions#READY} back: the pods serve behind the
 * Service either way, and the ENDPOINT column shows the URL that works.
 */
public final class ModelDeploymentRouteConditions {

  private ModelDeploymentRouteConditions() {}

  /**
   * Type: the operator's HTTPRoute is accepted by the Gateway, so the endpoint is the gateway's.
   */
  public static final String ROUTED = "Routed";

  /**
   * Routed=True: the Gateway accepted the route and resolved its backend (Accepted, ResolvedRefs).
   */
  public static final String ROUTE_ACCEPTED = "RouteAccepted";

  /** Routed=False: the route is applied and the Gateway has not reported on it yet. */
  public static final String AWAITING_GATEWAY = "AwaitingGateway";

  /** Routed=False: the Gateway refused the route or its backend (its own reason in the message). */
  public static final String ROUTE_NOT_ACCEPTED = "RouteNotAccepted";

  /** Routed=False: the route is accepted, but the Gateway reports no address and no URL is set. */
  public static final String GATEWAY_ADDRESS_UNKNOWN = "GatewayAddressUnknown";

  /** Routed=False: LATHE_GATEWAY is set, but the cluster serves no Gateway API HTTPRoute kind. */
  public static final String GATEWAY_API_MISSING = "GatewayApiMissing";

  /**
   * Routed=False: spec.rollout.trafficRouting names an HTTPRoute, which the rollout manages; the
   * operator makes no default route of its own.
   */
  public static final String ROUTE_NAMED_IN_SPEC = "RouteNamedInSpec";
}
