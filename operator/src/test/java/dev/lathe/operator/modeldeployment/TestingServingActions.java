package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link ServingActions} on a {@link ServingWorld}: records every step and changes the world as the
 * API server would; refuses the kinds a test names, as an admission policy would.
 */
final class TestingServingActions implements ServingActions {

  final ServingWorld world;
  final List<ServingStep> steps = new ArrayList<>();
  final Set<String> refusedKinds = new HashSet<>();

  TestingServingActions(ServingWorld world) {
    this.world = world;
  }

  @Override
  public void apply(ModelDeployment deployment, ServingStep.Apply step) {
    if (refusedKinds.contains(step.object().getKind())) {
      throw new WorkloadRejected(
          "admission webhook \"policy.example\" denied the request: " + step.object().getKind());
    }
    steps.add(step);
    world.put(step.object());
  }

  @Override
  public void retire(ModelDeployment deployment, ServingStep.Retire step) {
    steps.add(step);
    for (HasMetadata object : step.objects()) {
      world.objects.remove(ServingWorld.key(object));
    }
  }

  @Override
  public void remove(ModelDeployment deployment, ServingStep.Remove step) {
    steps.add(step);
    world.objects.remove(ServingWorld.key(step.object()));
  }

  @Override
  public void setRouteWeights(ModelDeployment deployment, ServingStep.SetRouteWeights step) {
    if (refusedKinds.contains(step.weights().getKind())) {
      throw new WorkloadRejected(
          "admission webhook \"policy.example\" denied the request: " + step.weights().getKind());
    }
    steps.add(step);
    world.routeWeightsSet(step.weights());
  }

  List<String> applied() {
    return steps.stream()
        .filter(ServingStep.Apply.class::isInstance)
        .map(ServingStep.Apply.class::cast)
        .map(a -> (a.absent() ? "create " : "correct ") + ServingWorld.key(a.object()))
        .toList();
  }
}
