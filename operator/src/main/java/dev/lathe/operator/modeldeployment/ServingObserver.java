package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.serving.ServingInputs;
import dev.lathe.operator.status.OwnWrites;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Takes a {@link ServingSnapshot}: the ModelVersions and serving objects from the informer caches
 * (JOSDK's secondary resources), the spec's verdict, and the namespace's trusted keys.
 */
public final class ServingObserver {

  /**
   * The gateway's base URL for a ModelDeployment, when the cluster routes to it; the hook the
   * gateway work fills (absent means the endpoint Service's in-cluster URL).
   */
  public interface RoutedEndpoints {
    Optional<String> baseUrl(ModelDeployment deployment);

    RoutedEndpoints NONE = deployment -> Optional.empty();
  }

  private final ModelDeploymentAcceptance acceptance;
  private final Function<String, String> trustedKeys;
  private final String defaultImage;
  private final RoutedEndpoints routes;
  private final OwnWrites writes;

  /**
   * @param trustedKeys the namespace's trusted PEM public keys, concatenated
   */
  public ServingObserver(
      ModelDeploymentAcceptance acceptance,
      Function<String, String> trustedKeys,
      String defaultImage,
      RoutedEndpoints routes,
      OwnWrites writes) {
    this.acceptance = acceptance;
    this.trustedKeys = trustedKeys;
    this.defaultImage = defaultImage;
    this.routes = routes;
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
                Optional.ofNullable(md.getSpec().getAdapters()).orElse(List.of()).stream()
                    .map(AdapterReference::getModelVersion))
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
        routes.baseUrl(md));
  }
}
