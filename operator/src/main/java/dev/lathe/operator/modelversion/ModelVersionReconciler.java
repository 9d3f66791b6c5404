package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
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
 * Reconciles ModelVersions. Today it accepts or rejects the spec's references; verifying the
 * signature and digests (Verified, Available) comes with the artifact module.
 */
@ControllerConfiguration(name = ModelVersionReconciler.NAME)
public class ModelVersionReconciler implements Reconciler<ModelVersion> {

  public static final String NAME = "modelversion";

  private final ModelVersionAcceptance acceptance;
  private final AcceptanceReport report;

  public ModelVersionReconciler(ModelVersionAcceptance acceptance, AcceptanceReport report) {
    this.acceptance = acceptance;
    this.report = report;
  }

  @Override
  public UpdateControl<ModelVersion> reconcile(
      ModelVersion version, Context<ModelVersion> context) {
    return report.report(version, acceptance.decide(version), ModelVersionStatus::new);
  }

  /** An adapter is looked at again when its base appears or changes. */
  @Override
  public List<EventSource<?, ModelVersion>> prepareEventSources(
      EventSourceContext<ModelVersion> context) {
    var adaptersOfBase =
        ModelVersionReferences.indexPrimaries(
            context, version -> Stream.of(version.getSpec().getBase()));
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, ModelVersion.class)
                .withName("base-models")
                .withSecondaryToPrimaryMapper(adaptersOfBase)
                .build(),
            context));
  }
}
