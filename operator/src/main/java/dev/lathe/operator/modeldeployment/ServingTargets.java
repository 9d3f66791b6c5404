package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelVersion;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link RolloutDecision} asks the serving decision to serve: which versions, with how many
 * pods and which track, and which of them the endpoint Service sends traffic to.
 *
 * @param versions the served versions; any other version's objects are retired at once
 * @param endpointOnly the one version the endpoint selects (rolled back, promoted), or empty for
 *     every serving pod (the replica-ratio split)
 */
record ServingTargets(List<Served> versions, Optional<String> endpointOnly) {

  /**
   * One served version.
   *
   * @param name the ModelVersion's name
   * @param model the verified ModelVersion, or empty to keep its Deployment and adapter list as
   *     they are (pods on their way out) and only label its Service
   * @param replicas its Deployment's replicas (ignored without a model)
   * @param track the version Service's track label
   */
  record Served(String name, Optional<ModelVersion> model, int replicas, String track) {}

  ServingTargets {
    versions = List.copyOf(versions);
  }
}
