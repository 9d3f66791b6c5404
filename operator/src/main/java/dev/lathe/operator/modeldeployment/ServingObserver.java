package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.serving.ServingInputs;
import dev.lathe.operator.status.OwnWrites;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Takes a {@link ServingSnapshot}: the ModelVersions and serving objects from the informer caches
 * (JOSDK's secondary resources), the spec's verdict, the namespace's trusted keys, and what routing
 * to it the Gateway reports.
 */
public final class ServingObserver {

  private final ModelDeploymentAcceptance acceptance;
  private final Function<String, String> trustedKeys;
  private final String defaultImage;
  private final Routing routing;
  private final OwnWrites writes;

  /**
   * @param trustedKeys the namespace's trusted PEM public keys, concatenated
   */
  public ServingObserver(
      ModelDeploymentAcceptance acceptance,
      Function<String, String> trustedKeys,
      String defaultImage,
      Routing routing,
      OwnWrites writes) {
    this.acceptance = acceptance;
    this.trustedKeys = trustedKeys;
    this.defaultImage = defaultImage;
    this.routing = routing;
    this.writes = writes;
  }

  public ServingSnapshot observe(ModelDeployment cached, Context<ModelDeployment> context) {
    // This operator's last status write, when the cache has not delivered it yet (OwnWrites).
    ModelDeployment md = writes.freshest(cached);
    Map<String, ModelVersion> versions = new HashMap<>();
    List<String> names =
        Stream.concat(
                Stream.of(
                    md.getSpec().getModelVersion(),
                    md.getStatus() == null ? null : md.getStatus().getStableVersion()),
                Stream.concat(
                    Optional.ofNullable(md.getSpec().getAdapters()).orElse(List.of()).stream()
                        .map(AdapterReference::getModelVersion),
                    // The version that answers an adapter's name while its next one rolls out.
                    md.getStatus() == null || md.getStatus().getAdapters() == null
                        ? Stream.<String>empty()
                        : md.getStatus().getAdapters().stream()
                            .map(AdapterServingStatus::getModelVersion)))
            .filter(Objects::nonNull)
            .toList();
    context
        .getSecondaryResourcesAsStream(ModelVersion.class)
        .filter(v -> names.contains(v.getMetadata().getName()))
        .filter(v -> md.getMetadata().getNamespace().equals(v.getMetadata().getNamespace()))
        .forEach(v -> versions.put(v.getMetadata().getName(), v));
    return new ServingSnapshot(
        md,
        acceptance.decide(md),
        versions,
        context.getSecondaryResourcesAsStream(Deployment.class).toList(),
        context.getSecondaryResourcesAsStream(Service.class).toList(),
        context.getSecondaryResourcesAsStream(ConfigMap.class).toList(),
        context.getSecondaryResourcesAsStream(Pod.class).toList(),
        context.getSecondaryResourcesAsStream(Job.class).toList(),
        new ServingInputs(defaultImage, trustedKeys.apply(md.getMetadata().getNamespace())),
        route(context));
  }

  /**
   * Routes, the Gateway and EndpointSlices are read only when their informers are registered (see
   * Routing).
   */
  private RouteSnapshot route(Context<ModelDeployment> context) {
    return new RouteSnapshot(
        routing.mode(),
        routing.target(),
        routing.watchesGateway() ? context.getSecondaryResource(Gateway.class) : Optional.empty(),
        routing.watchesRoutes()
            ? routes(context, ModelDeploymentReconciler.SERVING_ROUTES).toList()
            : List.of(),
        routing.watchesNamedRoutes(),
        routing.watchesNamedRoutes()
            ? routes(context, ModelDeploymentReconciler.NAMED_ROUTES).findFirst()
            : Optional.empty(),
        routing.watchesNamedRoutes()
            ? context.getSecondaryResourcesAsStream(EndpointSlice.class).toList()
            : List.of());
  }

  /** Two informers cache HTTPRoutes (the operator's own, and those a spec names): by name. */
  private static Stream<HTTPRoute> routes(Context<ModelDeployment> context, String informer) {
    return context
        .eventSourceRetriever()
        .getEventSourceFor(HTTPRoute.class, informer)
        .getSecondaryResources(context.getPrimaryResource())
        .stream();
  }
}
