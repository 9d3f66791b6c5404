package dev.lathe.operator.rollout;

import dev.lathe.api.v1alpha1.AnalysisRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;

/**
 * The evaluation gate as the rollout decision sees it: the Job that scores candidate and stable,
 * and the verdict read from that Job once it ends. Both are pure (no client, no storage), so the
 * rollout decision stays a function of its snapshot.
 */
public interface RolloutGate {

  /**
   * The evaluation Job for a request. Its name is deterministic in (deployment, step, candidate
   * digest), so a Job already in the cache means this gate was started and is never run twice.
   */
  Job job(GateRequest request);

  /**
   * The gate's verdict from its Job and that Job's pods (termination message or report): Running
   * while the Job runs, then Passed, Failed or Inconclusive with every threshold's figures.
   */
  AnalysisRun verdict(GateRequest request, Job job, List<Pod> pods, Instant now);
}
