package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
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
 * Reconciles FineTuneJobs. Today it accepts or rejects the spec; scheduling training, quotas,
 * progress and publishing come with the workload (see DESIGN.md §1).
 */
@ControllerConfiguration(name = FineTuneJobReconciler.NAME)
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {

  public static final String NAME = "finetunejob";

  private final FineTuneJobAcceptance acceptance;
  private final AcceptanceReport report;

  public FineTuneJobReconciler(FineTuneJobAcceptance acceptance, AcceptanceReport report) {
    this.acceptance = acceptance;
    this.report = report;
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    return report.report(job, acceptance.decide(job), FineTuneJobStatus::new);
  }

  /** A ModelVersion appearing, changing or going away re-checks the jobs that name it. */
  @Override
  public List<EventSource<?, FineTuneJob>> prepareEventSources(
      EventSourceContext<FineTuneJob> context) {
    var referencing =
        ModelVersionReferences.indexPrimaries(
            context,
            job ->
                Stream.of(
                    job.getSpec().getBaseModel() == null
                        ? null
                        : job.getSpec().getBaseModel().getModelVersion(),
                    FineTuneJobAcceptance.outputModelVersionName(job)));
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, FineTuneJob.class)
                .withSecondaryToPrimaryMapper(referencing)
                .build(),
            context));
  }
}
