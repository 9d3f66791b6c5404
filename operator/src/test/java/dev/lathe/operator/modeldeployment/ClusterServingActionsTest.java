package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static dev.lathe.operator.modeldeployment.ServingWorld.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.operator.serving.HttpRouteBuilder;
import dev.lathe.operator.serving.RuntimeDeploymentBuilder;
import dev.lathe.operator.serving.ServingServiceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster seam against Fabric8's mock server (CRUD mode, no server-side apply, so the
 * replacement path): creates, corrects, retires, removes a route, and turns a refusal into
 * WorkloadRejected.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterServingActionsTest {

  KubernetesMockServer server;
  KubernetesClient client;

  final ServingWorld world = new ServingWorld().verified(BASE);

  Deployment desired(int replicas) {
    world.deployment.getSpec().setReplicas(replicas);
    return RuntimeDeploymentBuilder.build(
        world.deployment, world.versions.get(BASE), replicas, world.snapshot().inputs());
  }

  @Test
  void anAbsentObjectIsCreatedAndADriftedOneIsPutBackByName() {
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);

    actions.apply(world.deployment, new ServingStep.Apply(desired(2), true));
    Deployment stored =
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withName("support-bot-llama-3-1-8b")
            .get();
    assertThat(stored.getSpec().getReplicas()).isEqualTo(2);
    assertThat(stored.getSpec().getTemplate().getSpec().getInitContainers().get(0).getName())
        .isEqualTo("fetch-and-verify");

    actions.apply(world.deployment, new ServingStep.Apply(desired(5), false));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("support-bot-llama-3-1-8b")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(5);
  }

  @Test
  void aCreationThatFindsTheObjectAlreadyThereCorrectsItInstead() {
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);
    client.resource(desired(1)).create();

    actions.apply(world.deployment, new ServingStep.Apply(desired(4), true));

    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("support-bot-llama-3-1-8b")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(4);
  }

  @Test
  void retiringDeletesTheVersionsObjectsAndOnesAlreadyGoneAreNoError() {
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);
    Deployment deployment = client.resource(desired(1)).create();
    HasMetadata service =
        client.resource(ServingServiceBuilder.version(world.deployment, BASE, "stable")).create();
    HasMetadata gone = ServingServiceBuilder.endpoint(world.deployment);

    actions.retire(
        world.deployment, new ServingStep.Retire(BASE, List.of(deployment, service, gone)));

    assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void theDefaultHttpRouteIsCreatedAsAGatewayApiObjectAndRemovedByName() {
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);
    HTTPRoute route = HttpRouteBuilder.endpointRoute(world.deployment, RouteDecisionTest.TARGET);

    actions.apply(world.deployment, new ServingStep.Apply(route, true));
    HTTPRoute stored =
        client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName("support-bot").get();
    assertThat(stored.getSpec().getRules().get(0).getBackendRefs().get(0).getName())
        .isEqualTo("support-bot");
    assertThat(stored.getSpec().getParentRefs().get(0).getName()).isEqualTo("lathe");

    actions.remove(world.deployment, new ServingStep.Remove(stored));
    actions.remove(world.deployment, new ServingStep.Remove(stored));
    assertThat(client.resources(HTTPRoute.class).inNamespace(NAMESPACE).list().getItems())
        .isEmpty();
  }

  @Test
  void anObjectTheApiServerForbidsIsAWorkloadRejectedWithTheServersMessage() {
    server
        .expect()
        .post()
        .withPath("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "deployments.apps is forbidden: exceeded quota: gpu-quota, requested:"
                        + " requests.nvidia.com/gpu=8")
                .build())
        .once();
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);

    assertThatThrownBy(
            () -> actions.apply(world.deployment, new ServingStep.Apply(desired(1), true)))
        .isInstanceOf(ServingActions.WorkloadRejected.class)
        .hasMessageContaining("exceeded quota: gpu-quota");
  }

  @Test
  void routeWeightsChangeTheRulesOfTheUsersRouteAndLeaveItsParentsAlone() {
    ClusterServingActions actions = new ClusterServingActions(client, () -> false);
    world.userRoute("support-bot-public");
    client.resource(world.namedRoute).create();
    HTTPRoute weights =
        dev.lathe.operator.rollout.traffic.RouteWeightsBuilder.apply(
            client
                .resources(HTTPRoute.class)
                .inNamespace(NAMESPACE)
                .withName("support-bot-public")
                .get(),
            "support-bot-stable",
            "support-bot-canary",
            30);

    actions.setRouteWeights(world.deployment, new ServingStep.SetRouteWeights(weights));

    HTTPRoute stored =
        client
            .resources(HTTPRoute.class)
            .inNamespace(NAMESPACE)
            .withName("support-bot-public")
            .get();
    assertThat(stored.getSpec().getParentRefs()).extracting("name").containsExactly("edge");
    assertThat(stored.getSpec().getRules().get(0).getBackendRefs())
        .extracting("name", "weight")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("support-bot-stable", 70),
            org.assertj.core.groups.Tuple.tuple("support-bot-canary", 30));
  }
}
