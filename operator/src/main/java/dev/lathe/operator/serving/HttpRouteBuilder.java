package dev.lathe.operator.serving;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import java.util.List;
import java.util.Map;

/**
 * Gateway API HTTPRoutes to a ModelDeployment's Services. Pure.
 *
 * <p>One Gateway serves every ModelDeployment, each under the path prefix {@code /NAMESPACE/NAME}:
 * the rule matches that prefix and a URLRewrite filter replaces it with {@code /}, so {@code
 * GATEWAY/NAMESPACE/NAME/v1/models} reaches the runtime as {@code /v1/models}, and the OpenAI base
 * URL of a deployment is {@code GATEWAY/NAMESPACE/NAME/v1}. A path, not a host name, because it
 * needs nothing from DNS (the local gateway listens on 127.0.0.1, where no wildcard name resolves)
 * and any client that takes a base URL uses it unchanged; PathPrefix and ReplacePrefixMatch are
 * core Gateway API features, which Traefik's provider implements (it matches whole path elements,
 * so {@code /ns/chat} never catches {@code /ns/chatty}).
 *
 * <p>{@link #rule} and {@link #route} take any weighted backends, so a canary split (stable and
 * canary version Services with weights) is built the same way as the default route's single
 * backend.
 */
public final class HttpRouteBuilder {

  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  /**
   * One backendRef: a Service port and, when not null, its weight.
   *
   * @param service the Service's name, in the route's namespace
   * @param port the Service port
   * @param weight the share of the rule's traffic (Gateway API: relative to the others; null means
   *     the default, 1)
   */
  public record Backend(String service, int port, Integer weight) {}

  private HttpRouteBuilder() {}

  /** The operator's default route: the deployment's path prefix to its endpoint Service. */
  public static HTTPRoute endpointRoute(ModelDeployment md, GatewayTarget gateway) {
    return route(
        md,
        ServingNames.route(md),
        gateway,
        List.of(new Backend(ServingNames.endpointService(md), ServingServiceBuilder.PORT, null)));
  }

  /**
   * A route named {@code name} in the deployment's namespace, owned by it, attached to {@code
   * gateway}, with one rule: the deployment's path prefix to {@code backends}.
   */
  public static HTTPRoute route(
      ModelDeployment md, String name, GatewayTarget gateway, List<Backend> backends) {
    HTTPRoute route =
        new HTTPRouteBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(md.getMetadata().getNamespace())
            .withLabels(ServingNames.deploymentLabels(md))
            .withOwnerReferences(ControllerReference.to(md))
            .endMetadata()
            .withNewSpec()
            .withParentRefs(parent(gateway))
            .withRules(rule(pathPrefix(md), backends))
            .endSpec()
            .build();
    SpecHash.annotate(
        route, Map.of("labels", route.getMetadata().getLabels(), "spec", route.getSpec()));
    return route;
  }

  /** {@code pathPrefix} to {@code backends}, the prefix taken off before the request goes on. */
  public static HTTPRouteRule rule(String pathPrefix, List<Backend> backends) {
    return new HTTPRouteRuleBuilder()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue(pathPrefix)
        .endPath()
        .endMatch()
        .addNewFilter()
        .withType("URLRewrite")
        .withNewUrlRewrite()
        .withNewPath()
        .withType("ReplacePrefixMatch")
        .withReplacePrefixMatch("/")
        .endPath()
        .endUrlRewrite()
        .endFilter()
        .withBackendRefs(backends.stream().map(HttpRouteBuilder::backendRef).toList())
        .build();
  }

  /** The parentRef naming the Gateway (and its listener, when the setting names one). */
  public static ParentReference parent(GatewayTarget gateway) {
    return new ParentReferenceBuilder()
        .withGroup(GATEWAY_GROUP)
        .withKind("Gateway")
        .withNamespace(gateway.namespace())
        .withName(gateway.name())
        .withSectionName(gateway.listener().orElse(null))
        .build();
  }

  /** {@code /NAMESPACE/NAME}: where one ModelDeployment lives on a shared Gateway. */
  public static String pathPrefix(ModelDeployment md) {
    return "/" + md.getMetadata().getNamespace() + "/" + md.getMetadata().getName();
  }

  private static HTTPBackendRef backendRef(Backend backend) {
    return new HTTPBackendRefBuilder()
        .withGroup("")
        .withKind("Service")
        .withName(backend.service())
        .withPort(backend.port())
        .withWeight(backend.weight())
        .build();
  }
}
