package dev.lathe.operator.modeldeployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.ConditionWriter;
import dev.lathe.operator.status.StatusReport;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reconciles ModelDeployments. Today it accepts or rejects the spec; serving pods, canary steps and
 * evaluation gates come with the runtime (see DESIGN.md §1), in the shape the other two kinds have
 * (observe, decide, act, report: see the package documentation of {@code dev.lathe.operator}).
 */
@ControllerConfiguration(name = ModelDeploymentReconciler.NAME)
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

  public static final String NAME = "modeldeployment";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelDeploymentAcceptance acceptance;
  private final StatusReport report;
  private final Clock clock;
  private final Duration recheck;

  public ModelDeploymentReconciler(
      ModelDeploymentAcceptance acceptance, StatusReport report, Clock clock, Duration recheck) {
    this.acceptance = acceptance;
    this.report = report;
    this.clock = clock;
    this.recheck = recheck;
  }

  @Override
  public UpdateControl<ModelDeployment> reconcile(
      ModelDeployment cached, Context<ModelDeployment> context) {
    ModelDeployment deployment = report.writes().freshest(cached);
    Acceptance verdict = acceptance.decide(deployment);
    ModelDeploymentStatus status =
        JSON.convertValue(
            Optional.ofNullable(deployment.getStatus()).orElseGet(ModelDeploymentStatus::new),
            ModelDeploymentStatus.class);
    long generation =
        deployment.getMetadata().getGeneration() == null
            ? 0
            : deployment.getMetadata().getGeneration();
    ConditionWriter conditions = new ConditionWriter(status, generation, clock.instant());
    verdict.report(conditions);
    status.setObservedGeneration(generation);
    report.report(deployment, status, conditions.events());
    UpdateControl<ModelDeployment> control = UpdateControl.noUpdate();
    if (verdict.waitsOnOtherObjects()) {
      control.rescheduleAfter(recheck);
    }
    return control;
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
