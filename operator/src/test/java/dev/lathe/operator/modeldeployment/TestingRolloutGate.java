package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.rollout.RolloutGate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RolloutGate} whose verdicts a test states: the Job is a plain one named by step and
 * candidate digest (as the real gate's is deterministic), and a Job that ended gets the verdict the
 * test queued for its name; one still running is Running. Records every verdict asked for.
 */
final class TestingRolloutGate implements RolloutGate {

  final Map<String, AnalysisRun> verdicts = new HashMap<>();
  final List<String> asked = new ArrayList<>();
  final List<GateRequest> requests = new ArrayList<>();

  @Override
  public Job job(GateRequest request) {
    requests.add(request);
    return new JobBuilder()
        .withNewMetadata()
        .withName(
            request.deployment().getMetadata().getName()
                + "-gate-"
                + request.step()
                + "-"
                + request.candidateDigest().substring("sha256:".length(), "sha256:".length() + 8))
        .withNamespace(request.deployment().getMetadata().getNamespace())
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("evaluate")
        .withImage(request.inputs().defaultImage())
        .withArgs(
            "evaluate",
            "--candidate",
            request.candidateService(),
            "--stable",
            request.stableService())
        .endContainer()
        .withRestartPolicy("Never")
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Override
  public AnalysisRun verdict(GateRequest request, Job job, List<Pod> pods, Instant now) {
    asked.add(job.getMetadata().getName());
    AnalysisRun run = new AnalysisRun();
    boolean ended =
        job.getStatus() != null
            && (job.getStatus().getSucceeded() != null || job.getStatus().getFailed() != null);
    if (!ended || !verdicts.containsKey(job.getMetadata().getName())) {
      run.setVerdict(AnalysisVerdict.Running);
      run.setMessage("scoring");
      return run;
    }
    AnalysisRun queued = verdicts.get(job.getMetadata().getName());
    run.setVerdict(queued.getVerdict());
    run.setResults(queued.getResults());
    run.setMessage(queued.getMessage());
    run.setCompletionTime(now.toString());
    return run;
  }

  /** Queues the verdict of the Job named {@code job}. */
  void says(String job, AnalysisVerdict verdict, String message, MetricResult... results) {
    AnalysisRun run = new AnalysisRun();
    run.setVerdict(verdict);
    run.setMessage(message);
    run.setResults(List.of(results));
    verdicts.put(job, run);
  }

  static MetricResult result(EvaluationMetric metric, double canary, double stable, boolean held) {
    MetricResult r = new MetricResult();
    r.setMetric(metric);
    r.setCanary(canary);
    r.setStable(stable);
    r.setPassed(held);
    return r;
  }
}
