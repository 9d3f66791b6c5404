package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.metrics.FineTuneJobMetrics;
import dev.lathe.operator.quota.QuotaLedger;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.StatusConditions;
import dev.lathe.operator.status.StatusReport;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles FineTuneJobs (DESIGN.md §1 steps 2–4) in the operator's one shape: observe a snapshot
 * ({@link FineTuneJobObserver}), decide purely ({@link TrainingDecision}) and act through one seam
 * ({@link TrainingActions}) in a {@link TrainingLoop}, report the decided status and its Events
 * ({@link StatusReport}).
 *
 * <p>Admission is serialized per namespace: a job that has not been admitted yet is reconciled
 * while holding its namespace's lock, and the reservation it writes is visible (through {@code
 * OwnWrites}) to the next one before the informer delivers it — two jobs created in the same
 * instant cannot both take the last GPU.
 */
@ControllerConfiguration(name = FineTuneJobReconciler.NAME)
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {

  public static final String NAME = "finetunejob";

  private final FineTuneJobObserver observer;
  private final TrainingLoop loop;
  private final StatusReport report;
  private final FineTuneJobMetrics metrics;
  private final Clock clock;
  private final Map<String, Object> admissionLocks = new ConcurrentHashMap<>();

  public FineTuneJobReconciler(
      FineTuneJobObserver observer,
      TrainingLoop loop,
      StatusReport report,
      FineTuneJobMetrics metrics,
      Clock clock) {
    this.observer = observer;
    this.loop = loop;
    this.report = report;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob cached, Context<FineTuneJob> context) {
    FineTuneJob fresh = observer.freshest(cached);
    boolean admitted = fresh.getStatus() != null && fresh.getStatus().getJobName() != null;
    if (admitted) {
      return pass(cached, context);
    }
    Object lock =
        admissionLocks.computeIfAbsent(cached.getMetadata().getNamespace(), n -> new Object());
    synchronized (lock) {
      return pass(cached, context);
    }
  }

  private UpdateControl<FineTuneJob> pass(FineTuneJob cached, Context<FineTuneJob> context) {
    // observe
    FineTuneJobSnapshot seen = observer.observe(cached, context);
    Instant now = clock.instant();
    // decide and act
    Plan<FineTuneJobStatus, TrainingStep> plan = loop.run(seen, now);
    // report
    report.report(seen.job(), plan.status(), plan.conditions().events());
    countMetrics(seen.job(), plan.status(), now);
    UpdateControl<FineTuneJob> control = UpdateControl.noUpdate();
    plan.next().ifPresent(control::rescheduleAfter);
    return control;
  }

  private void countMetrics(FineTuneJob job, FineTuneJobStatus decided, Instant now) {
    FineTuneJobStatus before = job.getStatus();
    if (StatusConditions.isTrue(decided, FineTuneJobStatus.QUEUED)
        && job.getSpec().getQueueName() == null) {
      metrics.queued(job);
    }
    if (before.getJobName() == null
        && decided.getJobName() != null
        && job.getSpec().getQueueName() == null) {
      metrics.admitted(job, now);
    }
    boolean succeeded = StatusConditions.isTrue(decided, FineTuneJobStatus.SUCCEEDED);
    boolean failed = StatusConditions.isTrue(decided, FineTuneJobStatus.FAILED);
    if (succeeded || failed) {
      FineTuneJob ended = observer.freshest(job);
      ended.setStatus(decided);
      metrics.finished(ended, succeeded);
      loop.actions().forgetProgress(job);
    }
  }

  /**
   * Woken by: the ModelVersions a job names (base appearing or verified, output name taken), its
   * own batch Jobs and their pods; and, for jobs waiting for quota, the namespace's ResourceQuotas,
   * training pods and the other FineTuneJobs (quota used or released).
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
                .withName(FineTuneJobObserver.MODELS)
                .withSecondaryToPrimaryMapper(referencing)
                .build(),
            context);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, FineTuneJob.class)
                .withName(FineTuneJobObserver.JOBS)
                .withLabelSelector(TrainingNames.MANAGED_BY + "=" + TrainingNames.OPERATOR)
                .build(),
            context);
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, FineTuneJob.class)
                .withName(FineTuneJobObserver.PODS)
                .withLabelSelector(TrainingNames.MANAGED_BY + "=" + TrainingNames.OPERATOR)
                .withSecondaryToPrimaryMapper((Pod pod) -> ownerAndWaiting(context, pod))
                .build(),
            context);
    var quotas =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ResourceQuota.class, FineTuneJob.class)
                .withName(FineTuneJobObserver.QUOTAS)
                .withSecondaryToPrimaryMapper(
                    (ResourceQuota quota) -> waitingIn(context, quota.getMetadata().getNamespace()))
                .build(),
            context);
    // A job that ends, is suspended or deleted releases its reservation: the line moves.
    var neighbours =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(FineTuneJob.class, FineTuneJob.class)
                .withName("namespace-queue")
                .withSecondaryToPrimaryMapper(
                    (FineTuneJob other) ->
                        QuotaLedger.holdsQuota(other)
                            ? Set.of()
                            : waitingIn(context, other.getMetadata().getNamespace()))
                .build(),
            context);
    return List.of(models, jobs, pods, quotas, neighbours);
  }

  private static Set<ResourceID> ownerAndWaiting(EventSourceContext<FineTuneJob> context, Pod pod) {
    Set<ResourceID> woken = new HashSet<>(waitingIn(context, pod.getMetadata().getNamespace()));
    Optional.ofNullable(pod.getMetadata().getLabels())
        .map(l -> l.get(TrainingNames.JOB_LABEL))
        .ifPresent(name -> woken.add(new ResourceID(name, pod.getMetadata().getNamespace())));
    return woken;
  }

  private static Set<ResourceID> waitingIn(
      EventSourceContext<FineTuneJob> context, String namespace) {
    return context
        .getPrimaryCache()
        .list(namespace, TrainingDecision::waitsForQuota)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
