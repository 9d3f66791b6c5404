package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;

/**
 * The one seam between FineTuneJob decisions and the world: every effect on the cluster and on
 * storage that a {@link TrainingStep} asks for. {@code ClusterTrainingActions} is the real one;
 * tests use {@code TestingTrainingActions}, which records the steps and answers as scripted.
 */
public interface TrainingActions {

  /** The API server refused the workload (admission policy, RBAC, an invalid value). */
  final class WorkloadRejected extends RuntimeException {
    public WorkloadRejected(String message) {
      super(message);
    }
  }

  /**
   * Creates whatever of the attempt's workload is absent.
   *
   * @throws WorkloadRejected when the API server refuses it with a 4xx answer
   */
  void createWorkload(FineTuneJob job, TrainingStep.CreateWorkload step);

  void setSuspension(FineTuneJob job, TrainingStep.SetSuspension step);

  /** Signs and publishes; failures come back as {@link PublishOutcome.NotPublished}. */
  PublishOutcome publish(FineTuneJob job, TrainingStep.Publish step);

  /** Stops following the job's progress file (it ended, or was deleted). */
  void forgetProgress(FineTuneJob job);
}
