package dev.lathe.operator.workloads;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Optional;

/** What a batch Job's conditions say: the Job controller's verdicts, Complete and Failed. */
public final class JobConditions {

  private JobConditions() {}

  public static Optional<JobCondition> find(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  public static boolean isTrue(Job job, String type) {
    return find(job, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** Whether the Job ended, either way. */
  public static boolean isFinished(Job job) {
    return isTrue(job, "Complete") || isTrue(job, "Failed");
  }
}
