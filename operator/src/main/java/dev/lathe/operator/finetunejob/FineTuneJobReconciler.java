package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.metrics.FineTuneJobMetrics;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.AcceptanceReport;
import dev.lathe.operator.status.StatusPatch;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles FineTuneJobs (DESIGN.md §1 steps 2–4): accept the spec, then let the {@link
 * TrainingLifecycle} take the next step — queue or admit, create the attempt's workload, follow it,
 * publish the signed ModelVersion — and patch the status once with everything that changed.
 */
@ControllerConfiguration(name = FineTuneJobReconciler.NAME)
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {

  public static final String NAME = "finetunejob";

  private final FineTuneJobAcceptance acceptance;
  private final AcceptanceReport report;
  private final TrainingLifecycle lifecycle;
  private final FineTuneJobMetrics metrics;

  public FineTuneJobReconciler(
      FineTuneJobAcceptance acceptance,
      AcceptanceReport report,
      TrainingLifecycle lifecycle,
      FineTuneJobMetrics metrics) {
    this.acceptance = acceptance;
    this.report = report;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    StatusPatch patch =
        StatusPatch.before(Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new));

    Optional<Job> workload = currentWorkload(job, context);
    Acceptance verdict = acceptance.decide(job);
    report.apply(job, verdict, FineTuneJobStatus::new);

    Optional<Duration> next = Optional.empty();
    // Once its workload exists a job is followed to the end: a reference that goes away later
    // (a deleted base ModelVersion) changes nothing for pods that already fetched it.
    if (verdict.accepted() || workload.isPresent()) {
      List<FineTuneJob> namespaceJobs =
          context.getPrimaryCache().list(job.getMetadata().getNamespace()).toList();
      next = lifecycle.advance(job, workload, namespaceJobs);
    } else if (verdict.waitsOnOtherObjects()) {
      next = Optional.of(report.recheck());
    }

    return patch.control(job, next);
  }

  /**
   * The attempt's Job, found by its deterministic name rather than by status.jobName: an operator
   * that crashed after creating the Job, before it could write the status, finds the Job again
   * instead of queueing a job whose pods already hold the quota.
   */
  private static Optional<Job> currentWorkload(FineTuneJob job, Context<FineTuneJob> context) {
    int attempt =
        Math.max(
            1, Optional.ofNullable(job.getStatus()).map(FineTuneJobStatus::getAttempts).orElse(0));
    String name = TrainingNames.job(job, attempt);
    Optional<Job> found =
        context.getSecondaryResources(Job.class).stream()
            .filter(j -> name.equals(j.getMetadata().getName()))
            .findFirst();
    found.ifPresent(
        j -> {
          FineTuneJobStatus status =
              Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new);
          status.setAttempts(attempt);
          status.setJobName(name);
          job.setStatus(status);
        });
    return found;
  }

  /**
   * Woken by: the ModelVersions a job names (base appearing or verified, output name taken), its
   * own batch Jobs, and its namespace's ResourceQuotas (quota freed: the queue moves).
   */
  @Override
  public List<EventSource<?, FineTuneJob>> prepareEventSources(
      EventSourceContext<FineTuneJob> context) {
    metrics.countFrom(() -> context.getPrimaryCache().list().toList());
    var referencing =
        ModelVersionReferences.indexPrimaries(
            context,
            job ->
                Stream.of(
                    job.getSpec().getBaseModel() == null
                        ? null
                        : job.getSpec().getBaseModel().getModelVersion(),
                    FineTuneJobAcceptance.outputModelVersionName(job)));
    var models =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, FineTuneJob.class)
                .withSecondaryToPrimaryMapper(referencing)
                .build(),
            context);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, FineTuneJob.class)
                .withLabelSelector(TrainingNames.MANAGED_BY + "=" + TrainingNames.OPERATOR)
                .build(),
            context);
    var quotas =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ResourceQuota.class, FineTuneJob.class)
                .withSecondaryToPrimaryMapper(
                    (ResourceQuota quota) -> waitingIn(context, quota.getMetadata().getNamespace()))
                .build(),
            context);
    return List.of(models, jobs, quotas);
  }

  private static Set<ResourceID> waitingIn(
      EventSourceContext<FineTuneJob> context, String namespace) {
    return context
        .getPrimaryCache()
        .list(namespace, TrainingLifecycle::waitsForQuota)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
