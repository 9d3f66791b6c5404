package dev.lathe.operator.modeldeployment;

import dev.lathe.operator.rollout.traffic.RouteWeightsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.List;

/** One effect on the cluster that a {@link ServingDecision} asks {@link ServingActions} for. */
public sealed interface ServingStep {

  /**
   * Makes a child object what the decision wants.
   *
   * @param object the desired object, owner reference and spec-hash annotation included
   * @param absent true when the cache shows no such object (create), false when it drifted (correct
   *     it by server-side apply)
   */
  record Apply(HasMetadata object, boolean absent) implements ServingStep {}

  /**
   * Deletes what served a version the spec no longer names, once the current one serves in full.
   *
   * @param modelVersion the retired ModelVersion's name
   * @param objects its Deployment, version Service and adapter ConfigMap, as observed
   */
  record Retire(String modelVersion, List<HasMetadata> objects) implements ServingStep {}

  /**
   * Deletes one object the operator made that the spec no longer wants (the default HTTPRoute once
   * the spec names its own).
   *
   * @param object the object, as observed
   */
  record Remove(HasMetadata object) implements ServingStep {}

  /**
   * Sets the canary's and stable's weights on the user's HTTPRoute that spec.rollout
   * .trafficRouting names, as field manager {@link RouteWeightsBuilder#FIELD_MANAGER}.
   *
   * @param weights the apply configuration {@link RouteWeightsBuilder} built: the route's name and
   *     its spec.rules, every rule as observed except the two weights
   */
  record SetRouteWeights(HTTPRoute weights) implements ServingStep {}
}
