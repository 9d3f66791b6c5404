package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.rollout.traffic.RouteWeightsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.function.BooleanSupplier;

/**
 * {@link ServingActions} on the API server. An absent object is created; one that drifted is
 * corrected by a forced server-side apply as field manager {@value #FIELD_MANAGER}, which sets the
 * fields this operator owns and leaves others' (an HPA's annotations, a mesh's labels) alone.
 * Against Fabric8's mock server, which lacks server-side apply, tests turn it off and the object is
 * replaced instead.
 */
public final class ClusterServingActions implements ServingActions {

  public static final String FIELD_MANAGER = "lathe-operator";

  private final KubernetesClient client;
  private final BooleanSupplier serverSideApply;

  /**
   * @param serverSideApply true against a real API server (asked at each call, because JOSDK's
   *     configuration, which tests override, says)
   */
  public ClusterServingActions(KubernetesClient client, BooleanSupplier serverSideApply) {
    this.client = client;
    this.serverSideApply = serverSideApply;
  }

  @Override
  public void apply(ModelDeployment deployment, ServingStep.Apply step) {
    HasMetadata object = step.object();
    try {
      if (step.absent()) {
        try {
          client.resource(object).create();
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          // Created by an earlier reconcile the cache has not shown yet: correct it instead.
        }
      }
      if (serverSideApply.getAsBoolean()) {
        client
            .resource(object)
            .patch(
                new PatchContext.Builder()
                    .withPatchType(PatchType.SERVER_SIDE_APPLY)
                    .withFieldManager(FIELD_MANAGER)
                    .withForce(true)
                    .build());
      } else {
        client.resource(object).update();
      }
    } catch (KubernetesClientException e) {
      throw refusedOrAsIs(e);
    }
  }

  @Override
  public void retire(ModelDeployment deployment, ServingStep.Retire step) {
    for (HasMetadata object : step.objects()) {
      client.resource(object).delete();
    }
  }

  @Override
  public void remove(ModelDeployment deployment, ServingStep.Remove step) {
    client.resource(step.object()).delete();
  }

  @Override
  public void setRouteWeights(ModelDeployment deployment, ServingStep.SetRouteWeights step) {
    HTTPRoute weights = step.weights();
    try {
      if (serverSideApply.getAsBoolean()) {
        // Forced: weights a person set with kubectl, or Argo CD synced, become the rollout's.
        client
            .resource(weights)
            .patch(
                new PatchContext.Builder()
                    .withPatchType(PatchType.SERVER_SIDE_APPLY)
                    .withFieldManager(RouteWeightsBuilder.FIELD_MANAGER)
                    .withForce(true)
                    .build());
      } else {
        client
            .resources(HTTPRoute.class)
            .inNamespace(weights.getMetadata().getNamespace())
            .withName(weights.getMetadata().getName())
            .edit(
                route -> {
                  route.getSpec().setRules(weights.getSpec().getRules());
                  return route;
                });
      }
    } catch (KubernetesClientException e) {
      throw refusedOrAsIs(e);
    }
  }

  /** A 4xx answer other than a conflict is the API server's refusal, said in its own words. */
  private static RuntimeException refusedOrAsIs(KubernetesClientException e) {
    if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 409) {
      return new WorkloadRejected(
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage());
    }
    return e;
  }
}
