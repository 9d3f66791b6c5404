package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeployment;

/**
 * The one seam between serving decisions and the cluster: every effect a {@link ServingStep} asks
 * for. {@link ClusterServingActions} is the real one; tests use {@code TestingServingActions},
 * which records the steps and plays a small cluster.
 */
public interface ServingActions {

  /** The API server refused an object (admission policy, RBAC, quota, an invalid value). */
  final class WorkloadRejected extends RuntimeException {
    public WorkloadRejected(String message) {
      super(message);
    }
  }

  /**
   * Creates the object when absent, else sets the fields this operator owns to the desired ones.
   *
   * @throws WorkloadRejected when the API server refuses it with a 4xx answer other than a conflict
   */
  void apply(ModelDeployment deployment, ServingStep.Apply step);

  /** Deletes a retired version's objects; one already gone is no error. */
  void retire(ModelDeployment deployment, ServingStep.Retire step);

  /** Deletes one object the spec no longer wants; one already gone is no error. */
  void remove(ModelDeployment deployment, ServingStep.Remove step);

  /**
   * Sets a named HTTPRoute's canary and stable weights by server-side apply; fields of other
   * managers stay theirs.
   *
   * @throws WorkloadRejected when the API server refuses it (RBAC, admission, an invalid route)
   */
  void setRouteWeights(ModelDeployment deployment, ServingStep.SetRouteWeights step);
}
