package dev.lathe.operator.serving;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/**
 * The Services in front of the runtime pods (see the package documentation): the endpoint over
 * every serving pod of the ModelDeployment, and one per served version carrying its track. Both
 * ClusterIP on port {@value #PORT}, so the endpoint URL names the runtime's own port. Pure.
 */
public final class ServingServiceBuilder {

  public static final int PORT = RuntimeDeploymentBuilder.HTTP_PORT;

  private ServingServiceBuilder() {}

  public static Service endpoint(ModelDeployment md) {
    return service(
        md,
        ServingNames.endpointService(md),
        ServingNames.deploymentLabels(md),
        ServingNames.endpointSelector(md));
  }

  /**
   * The endpoint Service selecting the pods of one version only: how a rollback takes a candidate's
   * traffic away at once while its pods still run, and how a promotion stops sending traffic to the
   * replaced version before its last pod goes.
   */
  public static Service endpoint(ModelDeployment md, String onlyVersion) {
    return service(
        md,
        ServingNames.endpointService(md),
        ServingNames.deploymentLabels(md),
        ServingNames.versionSelector(md, onlyVersion));
  }

  /**
   * @param track {@link ServingNames#STABLE} or {@link ServingNames#CANARY}: a label on this
   *     Service only, so moving it moves no pod
   */
  public static Service version(ModelDeployment md, String modelVersion, String track) {
    Map<String, String> labels = ServingNames.versionLabels(md, modelVersion);
    labels.put(ServingNames.TRACK_LABEL, track);
    return service(
        md,
        ServingNames.versionService(md, modelVersion),
        labels,
        ServingNames.versionSelector(md, modelVersion));
  }

  /**
   * The track Service a user's HTTPRoute sends a track's share to (HTTPRoute traffic routing):
   * named by the track, selecting {@code modelVersion}'s pods. No track label: that label marks
   * version Services, which say which version is stable.
   */
  public static Service track(ModelDeployment md, String track, String modelVersion) {
    return service(
        md,
        ServingNames.trackService(md, track),
        ServingNames.deploymentLabels(md),
        ServingNames.versionSelector(md, modelVersion));
  }

  /** The OpenAI base URL of the endpoint Service inside the cluster. */
  public static String inClusterUrl(ModelDeployment md) {
    return "http://"
        + ServingNames.endpointService(md)
        + "."
        + md.getMetadata().getNamespace()
        + ".svc:"
        + PORT
        + "/v1";
  }

  private static Service service(
      ModelDeployment md, String name, Map<String, String> labels, Map<String, String> selector) {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(md.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(ControllerReference.to(md))
            .endMetadata()
            .withNewSpec()
            .withType("ClusterIP")
            .withSelector(selector)
            .addNewPort()
            .withName(RuntimeDeploymentBuilder.HTTP_PORT_NAME)
            .withPort(PORT)
            .withTargetPort(new IntOrString(RuntimeDeploymentBuilder.HTTP_PORT_NAME))
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    SpecHash.annotate(service, Map.of("labels", labels, "spec", service.getSpec()));
    return service;
  }
}
