package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.OwnWrites;
import dev.lathe.operator.training.ProgressReader;
import dev.lathe.operator.training.TrainingNames;
import dev.lathe.operator.training.TrainingObservation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * Observes a FineTuneJob: builds its {@link FineTuneJobSnapshot} from the informer caches (its
 * Jobs, pods, the namespace's quotas and FineTuneJobs, the base ModelVersion), with the statuses
 * this operator last wrote, and reads the trainer's progress file while it trains. It issues no GET
 * or LIST to the API server for what an informer holds.
 */
public class FineTuneJobObserver {

  /** Informer names, so that the observer finds each cache. */
  static final String MODELS = "referenced-models";

  static final String JOBS = "training-jobs";
  static final String PODS = "training-pods";
  static final String QUOTAS = "quotas";
  static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

  private final FineTuneJobAcceptance acceptance;
  private final ProgressReader progress;
  private final OwnWrites writes;
  private final TrainingDecision decision;

  public FineTuneJobObserver(
      FineTuneJobAcceptance acceptance,
      ProgressReader progress,
      OwnWrites writes,
      TrainingDecision decision) {
    this.acceptance = acceptance;
    this.progress = progress;
    this.writes = writes;
    this.decision = decision;
  }

  /** The cached job with what this operator last wrote: a copy, safe to read and hand on. */
  public FineTuneJob freshest(FineTuneJob cached) {
    return writes.freshest(cached);
  }

  public FineTuneJobSnapshot observe(FineTuneJob cached, Context<FineTuneJob> context) {
    FineTuneJob job = writes.freshest(cached);
    if (job.getStatus() == null) {
      job.setStatus(new FineTuneJobStatus());
    }
    String namespace = job.getMetadata().getNamespace();
    int attempt = Math.max(1, Optional.ofNullable(job.getStatus().getAttempts()).orElse(0));
    // Found by its deterministic name rather than by status.jobName: an operator that crashed
    // after creating the Job, before it could write the status, finds it again.
    String jobName = TrainingNames.job(job, attempt);
    Optional<Job> workload =
        context.getSecondaryResources(Job.class).stream()
            .filter(j -> jobName.equals(j.getMetadata().getName()))
            .findFirst();
    InformerEventSource<Pod, FineTuneJob> pods = source(context, Pod.class, PODS);
    List<Pod> trainingPods =
        pods.list(namespace, p -> labels(p).containsKey(TrainingNames.JOB_LABEL)).toList();
    List<Pod> workloadPods =
        trainingPods.stream().filter(p -> jobName.equals(labels(p).get(JOB_NAME_LABEL))).toList();
    List<FineTuneJob> namespaceJobs =
        context.getPrimaryCache().list(namespace).map(writes::freshest).toList();
    List<ResourceQuota> quotas =
        source(context, ResourceQuota.class, QUOTAS).list(namespace, q -> true).toList();
    Optional<ModelVersion> base =
        Optional.ofNullable(job.getSpec().getBaseModel())
            .map(b -> b.getModelVersion())
            .flatMap(
                name ->
                    source(context, ModelVersion.class, MODELS)
                        .get(new ResourceID(name, namespace)));
    // The trainer's progress file is read only while the trainer runs (and at most every
    // progress interval: the reader throttles itself).
    Optional<TrainingProgress> read =
        workload
            .filter(
                w ->
                    TrainingObservation.of(w, workloadPods).state()
                        == TrainingObservation.State.RUNNING)
            .flatMap(
                w ->
                    progress.read(
                        job.getMetadata().getUid(),
                        namespace,
                        decision.attemptLocation(job, attempt)));
    return new FineTuneJobSnapshot(
        job,
        acceptance(job, base),
        workload,
        workloadPods,
        namespaceJobs,
        quotas,
        trainingPods,
        base,
        read);
  }

  /**
   * The verdict on the spec. A generation already accepted keeps its verdict without the checks'
   * lookups: a resync of a running job asks the API server nothing.
   */
  private Acceptance acceptance(FineTuneJob job, Optional<ModelVersion> base) {
    long generation =
        job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    boolean acceptedAlready = Acceptance.acceptedAt(job.getStatus(), generation);
    boolean baseGone =
        job.getStatus().getJobName() == null
            && job.getSpec().getBaseModel() != null
            && job.getSpec().getBaseModel().getModelVersion() != null
            && base.isEmpty();
    return acceptedAlready && !baseGone ? new Acceptance(List.of()) : acceptance.decide(job);
  }

  @SuppressWarnings("unchecked")
  static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      InformerEventSource<R, FineTuneJob> source(
          Context<FineTuneJob> context, Class<R> type, String name) {
    return (InformerEventSource<R, FineTuneJob>)
        context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  private static java.util.Map<String, String> labels(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getLabels()).orElse(java.util.Map.of());
  }
}
