package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentSpec;
import dev.lathe.operator.checks.EnvironmentCheck;
import dev.lathe.operator.checks.ModelVersionReferenceCheck;
import dev.lathe.operator.checks.QuantityCheck;
import dev.lathe.operator.checks.StorageLocationCheck;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import java.util.ArrayList;
import java.util.List;

/** Decides whether a ModelDeployment can be served: models, adapters, data and quantities. */
public class ModelDeploymentAcceptance {

  private final StorageLocationCheck storage;
  private final ModelVersionReferenceCheck models;
  private final EnvironmentCheck environment;

  public ModelDeploymentAcceptance(ReferenceLookup lookup) {
    this.storage = new StorageLocationCheck(lookup);
    this.models = new ModelVersionReferenceCheck(lookup);
    this.environment = new EnvironmentCheck(lookup);
  }

  public Acceptance decide(ModelDeployment deployment) {
    String namespace = deployment.getMetadata().getNamespace();
    ModelDeploymentSpec spec = deployment.getSpec();
    List<Problem> problems =
        new ArrayList<>(models.fullModel(namespace, "spec.modelVersion", spec.getModelVersion()));
    List<AdapterReference> adapters = spec.getAdapters() == null ? List.of() : spec.getAdapters();
    for (int i = 0; i < adapters.size(); i++) {
      problems.addAll(
          models.adapterOf(
              namespace,
              "spec.adapters[" + i + "].modelVersion",
              adapters.get(i).getModelVersion(),
              spec.getModelVersion()));
    }
    if (spec.getResources() != null) {
      problems.addAll(QuantityCheck.positive("spec.resources.cpu", spec.getResources().getCpu()));
      problems.addAll(
          QuantityCheck.positive("spec.resources.memory", spec.getResources().getMemory()));
    }
    if (spec.getRuntime() != null) {
      problems.addAll(environment.check(namespace, "spec.runtime.env", spec.getRuntime().getEnv()));
    }
    if (spec.getRollout() != null && spec.getRollout().getEvaluation() != null) {
      problems.addAll(
          storage.check(
              namespace,
              "spec.rollout.evaluation.dataset",
              spec.getRollout().getEvaluation().getDataset()));
    }
    if (RouteDecision.namedRoute(deployment).isPresent()
        && List.of(ServingNames.STABLE, ServingNames.CANARY).contains(spec.getModelVersion())) {
      problems.add(
          new Problem(
              ModelDeploymentConditions.TRACK_NAME_TAKEN,
              "spec.modelVersion "
                  + spec.getModelVersion()
                  + ": with HTTPRoute traffic routing the Services "
                  + ServingNames.trackService(deployment, ServingNames.STABLE)
                  + " and "
                  + ServingNames.trackService(deployment, ServingNames.CANARY)
                  + " are the route's backends, and a ModelVersion of that name would give its"
                  + " own Service the same name; publish it under another name",
              false));
    }
    return new Acceptance(problems);
  }
}
