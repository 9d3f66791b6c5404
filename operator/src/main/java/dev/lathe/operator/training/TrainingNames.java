package dev.lathe.operator.training;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.operator.names.BoundedNames;
import java.util.Map;

/**
 * The names and labels of a FineTuneJob's children. Deterministic, so a restarted operator finds
 * what it created instead of creating it twice.
 */
public final class TrainingNames {

  public static final String JOB_LABEL = "lathe.dev/fine-tune-job";
  public static final String ATTEMPT_LABEL = "lathe.dev/attempt";
  public static final String MODEL_VERSION_LABEL = "lathe.dev/model-version";
  public static final String KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "lathe-operator";

  private TrainingNames() {}

  /** The batch/v1 Job of an attempt; 63 characters at most because pods carry it as a label. */
  public static String job(FineTuneJob job, int attempt) {
    return BoundedNames.shorten(job.getMetadata().getName() + "-train-" + attempt);
  }

  /** The headless Service giving the pods of a multi-node attempt stable host names. */
  public static String service(FineTuneJob job, int attempt) {
    return job(job, attempt);
  }

  /** The claim holding checkpoints, shared by every pod and retry of the job. */
  public static String checkpointClaim(FineTuneJob job) {
    return BoundedNames.shorten(job.getMetadata().getName() + "-checkpoints");
  }

  /** Where an attempt's artifact goes, under the output storage: unique per job and attempt. */
  public static String attemptPrefix(FineTuneJob job, int attempt) {
    return job.getMetadata().getName()
        + "-"
        + job.getMetadata().getUid().substring(0, 8)
        + "/attempt-"
        + attempt;
  }

  public static Map<String, String> labels(FineTuneJob job, int attempt) {
    return Map.of(
        JOB_LABEL,
        BoundedNames.shorten(job.getMetadata().getName()),
        ATTEMPT_LABEL,
        String.valueOf(attempt),
        MANAGED_BY,
        OPERATOR,
        "app.kubernetes.io/name",
        "lathe-trainer");
  }
}
