package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.AcceptanceReport;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reconciles ModelDeployments. Today it accepts or rejects the spec; serving pods, canary steps and
 * evaluation gates come with the runtime (see DESIGN.md §1).
 */
@ControllerConfiguration(name = ModelDeploymentReconciler.NAME)
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

  public static final String NAME = "modeldeployment";

  private final ModelDeploymentAcceptance acceptance;
  private final AcceptanceReport report;

  public ModelDeploymentReconciler(ModelDeploymentAcceptance acceptance, AcceptanceReport report) {
    this.acceptance = acceptance;
    this.report = report;
  }

  @Override
  public UpdateControl<ModelDeployment> reconcile(
      ModelDeployment deployment, Context<ModelDeployment> context) {
    return report.report(deployment, acceptance.decide(deployment), ModelDeploymentStatus::new);
  }

  /** A ModelVersion the deployment serves, or serves an adapter of, re-checks it on change. */
  @Override
  public List<EventSource<?, ModelDeployment>> prepareEventSources(
      EventSourceContext<ModelDeployment> context) {
    var referencing =
        ModelVersionReferences.indexPrimaries(
            context,
            deployment ->
                Stream.concat(
                    Stream.of(deployment.getSpec().getModelVersion()),
                    deployment.getSpec().getAdapters() == null
                        ? Stream.empty()
                        : deployment.getSpec().getAdapters().stream()
                            .map(AdapterReference::getModelVersion)));
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, ModelDeployment.class)
                .withSecondaryToPrimaryMapper(referencing)
                .build(),
            context));
  }
}
