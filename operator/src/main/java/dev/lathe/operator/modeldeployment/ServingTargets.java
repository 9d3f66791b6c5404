package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.serving.ServingNames;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link RolloutDecision} asks the serving decision to serve: which versions, with how many
 * pods and which track, and which of them the endpoint Service sends traffic to.
 *
 * @param versions the served versions; any other version's objects are retired at once
 * @param endpointOnly the one version the endpoint selects (rolled back, promoted), or empty for
 *     every serving pod (the replica-ratio split)
 * @param adapters the adapters whose served version is not simply the one spec.adapters names (an
 *     adapter rollout, ended or running); every other adapter is served as the spec names it
 * @param routeWeight with HTTPRoute traffic routing, the canary track's weight on the named route
 *     (0 to 100); the canary track Service selects the {@link ServingNames#CANARY} version served
 *     with a model, else the stable one
 */
record ServingTargets(
    List<Served> versions,
    Optional<String> endpointOnly,
    List<AdapterChoice> adapters,
    int routeWeight) {

  /** Versions to serve, every adapter as the spec names it, no canary weight on a route. */
  ServingTargets(List<Served> versions, Optional<String> endpointOnly) {
    this(versions, endpointOnly, List.of(), 0);
  }

  /** Versions to serve with adapters as {@code adapters} say, no canary weight on a route. */
  ServingTargets(
      List<Served> versions, Optional<String> endpointOnly, List<AdapterChoice> adapters) {
    this(versions, endpointOnly, adapters, 0);
  }

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

  /**
   * Which version of one adapter answers its name, and the candidate beside it on the same pods.
   *
   * @param name the adapter's name (spec.adapters[].name)
   * @param stable the verified ModelVersion that answers the name (and stays in status.adapters)
   * @param canary the candidate served beside it, or empty
   * @param weight the percentage of the name's requests the candidate answers (0 without one)
   */
  record AdapterChoice(
      String name, ModelVersion stable, Optional<ModelVersion> canary, int weight) {}

  ServingTargets {
    versions = List.copyOf(versions);
    adapters = List.copyOf(adapters);
  }

  /** The version on {@code track} (stable or canary) that is served with a model, if any. */
  Optional<String> onTrack(String track) {
    return versions.stream()
        .filter(v -> v.track().equals(track) && v.model().isPresent())
        .map(Served::name)
        .findFirst();
  }

  /** The choice made for adapter {@code name}, if any. */
  Optional<AdapterChoice> adapter(String name) {
    return adapters.stream().filter(a -> a.name().equals(name)).findFirst();
  }
}
