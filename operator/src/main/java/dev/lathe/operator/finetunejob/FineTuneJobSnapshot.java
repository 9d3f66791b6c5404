package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.status.Acceptance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Everything a FineTuneJob decision needs, observed once from the informer caches (and the
 * trainer's progress file) before deciding. Its objects are copies or cache objects nobody mutates:
 * the decision writes only into the status it plans.
 *
 * @param job the FineTuneJob, carrying the status this operator last wrote; status never null
 * @param acceptance the verdict on its spec
 * @param workload the current attempt's batch Job, when the informer has it
 * @param pods the workload's pods
 * @param namespaceJobs the namespace's FineTuneJobs (this one included), for the queue and ledger
 * @param quotas the namespace's ResourceQuotas
 * @param trainingPods the namespace's pods of Lathe training Jobs, for the ledger
 * @param baseModel the base ModelVersion the spec names, when there is one and it exists
 * @param progress the trainer's latest progress report, when one was read this time
 */
public record FineTuneJobSnapshot(
    FineTuneJob job,
    Acceptance acceptance,
    Optional<Job> workload,
    List<Pod> pods,
    List<FineTuneJob> namespaceJobs,
    List<ResourceQuota> quotas,
    List<Pod> trainingPods,
    Optional<ModelVersion> baseModel,
    Optional<TrainingProgress> progress) {

  public FineTuneJobSnapshot {
    pods = List.copyOf(pods);
    namespaceJobs = List.copyOf(namespaceJobs);
    quotas = List.copyOf(quotas);
    trainingPods = List.copyOf(trainingPods);
  }
}
