package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisRunReasons;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.rollout.RolloutGate;
import dev.lathe.operator.workloads.JobConditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The evaluation gate: a paired evaluation Job ({@link EvaluationJobBuilder}) and the verdict read
 * from its pod's report through the gate arithmetic ({@link GateDecision}). A Job that ended
 * without a readable report is an Error whose message says why, quoting the pod. Pure.
 */
public final class PairedEvaluationGate implements RolloutGate {

  /** Termination messages quoted in a verdict are cut to this, so a condition stays readable. */
  static final int QUOTE_LIMIT = 600;

  @Override
  public Job job(GateRequest request) {
    return EvaluationJobBuilder.build(request);
  }

  @Override
  public AnalysisRun verdict(GateRequest request, Job job, List<Pod> pods, Instant now) {
    AnalysisRun run = new AnalysisRun();
    run.setStep(request.step());
    run.setCanaryVersion(request.candidateVersion());
    run.setCanaryDigest(request.candidateDigest());
    run.setStableVersion(request.stableVersion());
    run.setStableDigest(request.stableDigest());
    // A run after a tolerated failure or error has a Job of its own name (GateJobs), so the pods
    // are looked up by the Job's name as created, not by the first run's.
    run.setJob(job == null ? EvaluationJobBuilder.name(request) : job.getMetadata().getName());
    if (job == null) {
      return running(run, "the evaluation Job " + run.getJob() + " is not created yet");
    }
    run.setStartTime(
        job.getStatus() != null && job.getStatus().getStartTime() != null
            ? job.getStatus().getStartTime()
            : job.getMetadata().getCreationTimestamp());
    if (!JobConditions.isFinished(job)) {
      return running(run, "the evaluation Job " + run.getJob() + " is scoring both versions");
    }
    run.setCompletionTime(completion(job, now));
    Optional<GateReportReader.Ending> ending = GateReportReader.ending(run.getJob(), pods);
    if (ending.isPresent() && ending.get().isReport()) {
      return judged(request, run, ending.get());
    }
    if (JobConditions.isTrue(job, "Complete")) {
      return error(
          run,
          AnalysisRunReasons.MALFORMED_REPORT,
          "the evaluation Job "
              + run.getJob()
              + " completed but left no report"
              + ending
                  .map(e -> ": its termination message is \"" + quote(e.message()) + "\"")
                  .orElse(" (its pod is gone or has no termination message)"));
    }
    JobCondition failed = JobConditions.find(job, "Failed").orElseThrow();
    String said =
        ending
            .filter(e -> !e.message().isEmpty())
            .map(e -> ": the pod exited " + e.exitCode() + " saying \"" + quote(e.message()) + "\"")
            .orElse("");
    if ("DeadlineExceeded".equals(failed.getReason())) {
      return error(
          run,
          AnalysisRunReasons.EVALUATION_DEADLINE_EXCEEDED,
          "the evaluation Job "
              + run.getJob()
              + " ran past its deadline of "
              + job.getSpec().getActiveDeadlineSeconds()
              + " s (spec.rollout.evaluation.timeout)"
              + said);
    }
    return error(
        run,
        AnalysisRunReasons.EVALUATION_FAILED,
        "the evaluation Job "
            + run.getJob()
            + " failed ("
            + Optional.ofNullable(failed.getReason()).orElse("no reason")
            + ")"
            + (said.isEmpty()
                ? Optional.ofNullable(failed.getMessage()).map(m -> ": " + m).orElse("")
                : said));
  }

  private static AnalysisRun judged(
      GateRequest request, AnalysisRun run, GateReportReader.Ending ending) {
    GateReport report;
    try {
      report = GateReport.parse(ending.message());
    } catch (IllegalArgumentException e) {
      return error(
          run,
          AnalysisRunReasons.MALFORMED_REPORT,
          "the evaluation Job " + run.getJob() + "'s report could not be read: " + e.getMessage());
    }
    run.setDatasetDigest(report.datasetDigest());
    run.setSamples(report.items());
    if (report.candidate().succeeded() == 0 && report.stable().succeeded() == 0) {
      // Nothing answered on either side: no evidence about the candidate, only about the Job's
      // reach (a wrong Service name, no DNS, a network policy).
      return error(
          run,
          AnalysisRunReasons.EVALUATION_FAILED,
          "the evaluation Job "
              + run.getJob()
              + " reached neither version: all "
              + report.items()
              + " item(s) failed on both"
              + (report.note() == null ? "" : " (" + quote(report.note()) + ")"));
    }
    GateDecision.GateOutcome outcome =
        GateDecision.decide(request.gate(), PrometheusFigures.withQueriesAsRun(request, report));
    run.setResults(outcome.results());
    run.setVerdict(outcome.verdict());
    run.setReason(outcome.reason());
    run.setMessage(outcome.message());
    return run;
  }

  private static AnalysisRun running(AnalysisRun run, String message) {
    run.setVerdict(AnalysisVerdict.Running);
    run.setReason(AnalysisRunReasons.EVALUATING);
    run.setMessage(message);
    return run;
  }

  private static AnalysisRun error(AnalysisRun run, String reason, String message) {
    run.setVerdict(AnalysisVerdict.Error);
    run.setReason(reason);
    run.setMessage(message);
    return run;
  }

  private static String completion(Job job, Instant now) {
    if (job.getStatus() != null && job.getStatus().getCompletionTime() != null) {
      return job.getStatus().getCompletionTime();
    }
    return JobConditions.find(job, "Failed")
        .map(JobCondition::getLastTransitionTime)
        .orElse(now.toString());
  }

  private static String quote(String message) {
    return message.length() <= QUOTE_LIMIT ? message : message.substring(0, QUOTE_LIMIT) + "…";
  }
}
