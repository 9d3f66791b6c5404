package dev.lathe.operator.modeldeployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.HttpRouteReference;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.api.v1alpha1.TrafficRouting;
import dev.lathe.api.v1alpha1.TrafficRoutingType;
import dev.lathe.operator.references.TestingReferenceLookup;
import dev.lathe.operator.status.Problem;
import org.junit.jupiter.api.Test;

/** The ModelDeployment checks that concern traffic routing by HTTPRoute. */
class ModelDeploymentAcceptanceTest {

  @Test
  void aModelVersionNamedLikeATrackIsRefusedWithHttpRouteRoutingAndWhy() {
    ServingWorld world = new ServingWorld();
    ModelDeployment md = routedBy(world.deployment, "support-bot-public");
    md.getSpec().setModelVersion("canary");

    var acceptance =
        new ModelDeploymentAcceptance(new TestingReferenceLookup().with(modelNamed("canary")))
            .decide(md);

    assertThat(acceptance.problems())
        .extracting(Problem::reason)
        .contains(ModelDeploymentConditions.TRACK_NAME_TAKEN);
    assertThat(acceptance.problems())
        .filteredOn(p -> p.reason().equals(ModelDeploymentConditions.TRACK_NAME_TAKEN))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .contains("support-bot-stable and support-bot-canary", "another name"));
  }

  @Test
  void theSameNameIsFineWhenTrafficIsSplitByPodRatio() {
    ServingWorld world = new ServingWorld();
    world.deployment.getSpec().setModelVersion("canary");

    var acceptance =
        new ModelDeploymentAcceptance(new TestingReferenceLookup().with(modelNamed("canary")))
            .decide(world.deployment);

    assertThat(acceptance.problems())
        .extracting(Problem::reason)
        .doesNotContain(ModelDeploymentConditions.TRACK_NAME_TAKEN);
  }

  private static dev.lathe.api.v1alpha1.ModelVersion modelNamed(String name) {
    return ServingWorld.model(name, dev.lathe.api.v1alpha1.ModelFormat.HF_SAFETENSORS, null);
  }

  private static ModelDeployment routedBy(ModelDeployment md, String route) {
    HttpRouteReference reference = new HttpRouteReference();
    reference.setName(route);
    TrafficRouting routing = new TrafficRouting();
    routing.setType(TrafficRoutingType.HTTP_ROUTE);
    routing.setHttpRoute(reference);
    RolloutSpec rollout = new RolloutSpec();
    rollout.setTrafficRouting(routing);
    md.getSpec().setRollout(rollout);
    return md;
  }
}
