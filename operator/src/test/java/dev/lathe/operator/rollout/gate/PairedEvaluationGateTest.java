package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisRunReasons;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.artifact.contract.GateReport.Paired;
import dev.lathe.operator.rollout.GateRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedEvaluationGateTest {

  static final Instant NOW = Instant.parse("2026-12-01T20:00:00Z");
  final PairedEvaluationGate gate = new PairedEvaluationGate();
  final GateRequest request = GateRequests.request();
  final String name = EvaluationJobBuilder.name(request);

  private Job job(String condition, String reason) {
    JobBuilder job =
        new JobBuilder(gate.job(request))
            .editMetadata()
            .withCreationTimestamp("2026-12-01T19:50:00Z")
            .endMetadata()
            .withNewStatus()
            .withStartTime("2026-12-01T19:50:01Z")
            .endStatus();
    if (condition != null) {
      job.editStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .withReason(reason)
          .withLastTransitionTime("2026-12-01T19:58:00Z")
          .endCondition()
          .withCompletionTime(condition.equals("Complete") ? "2026-12-01T19:57:59Z" : null)
          .endStatus();
    }
    return job.build();
  }

  private Pod pod(String jobName, int exitCode, String message, String created) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(jobName + "-x")
        .withCreationTimestamp(created)
        .addToLabels("batch.kubernetes.io/job-name", jobName)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("evaluate")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private Pod pod(int exitCode, String message) {
    return pod(name, exitCode, message, "2026-12-01T19:50:00Z");
  }

  @Test
  void theGatesJobIsTheBuildersJob() {
    assertThat(gate.job(request)).isEqualTo(EvaluationJobBuilder.build(request));
  }

  @Test
  void aJobNotYetCreatedOrStillRunningIsRunningWithItsStartTime() {
    AnalysisRun none = gate.verdict(request, null, List.of(), NOW);
    AnalysisRun running = gate.verdict(request, job(null, null), List.of(), NOW);

    assertThat(none.getVerdict()).isEqualTo(AnalysisVerdict.Running);
    assertThat(none.getJob()).isEqualTo(name);
    assertThat(running.getVerdict()).isEqualTo(AnalysisVerdict.Running);
    assertThat(running.getReason()).isEqualTo(AnalysisRunReasons.EVALUATING);
    assertThat(running.getStartTime()).isEqualTo("2026-12-01T19:50:01Z");
    assertThat(running.getCompletionTime()).isNull();
  }

  @Test
  void aReportOfAWorseCandidateFailsTheGateWithEveryFigureInTheRun() {
    GateReport report = Reports.withAccuracy(new Paired(100, 0, 80, 20));

    AnalysisRun run =
        gate.verdict(
            request, job("Complete", null), List.of(pod(0, report.toTerminationMessage())), NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Failed);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.GATE_FAILED);
    assertThat(run.getStep()).isEqualTo(1);
    assertThat(run.getCanaryVersion()).isEqualTo("chat-v2");
    assertThat(run.getCanaryDigest()).isEqualTo(GateRequests.CANDIDATE_DIGEST);
    assertThat(run.getStableVersion()).isEqualTo("chat-v1");
    assertThat(run.getStableDigest()).isEqualTo(GateRequests.STABLE_DIGEST);
    assertThat(run.getDatasetDigest()).isEqualTo(Reports.DATASET);
    assertThat(run.getSamples()).isEqualTo(200);
    assertThat(run.getCompletionTime()).isEqualTo("2026-12-01T19:57:59Z");
    assertThat(run.getResults())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getCanary()).isEqualTo(0.5);
              assertThat(r.getStable()).isEqualTo(0.9);
              assertThat(r.getSamples()).isEqualTo(200);
              assertThat(r.getMaxRegression()).isEqualTo(0.05);
              assertThat(r.getIntervalLower()).isNotNull();
            });
    assertThat(run.getMessage())
        .contains("accuracy Failed")
        .contains("canary 0.500 vs stable 0.900")
        .contains("maxRegression 0.050")
        .contains("n=200");
  }

  @Test
  void aReportOfAnEqualCandidateOnEnoughItemsPasses() {
    GateReport report = Reports.withAccuracy(new Paired(380, 2, 2, 16));

    AnalysisRun run =
        gate.verdict(
            request, job("Complete", null), List.of(pod(0, report.toTerminationMessage())), NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Passed);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.THRESHOLDS_HELD);
  }

  @Test
  void aReportInWhichNeitherVersionAnsweredIsAnErrorNotAVerdict() {
    GateReport base = Reports.withAccuracy(new Paired(0, 0, 0, 30));
    GateReport unreachable =
        new GateReport(
            base.schema(),
            base.datasetDigest(),
            30,
            base.accuracy(),
            base.exactMatch(),
            new Paired(30, 0, 0, 0),
            new GateReport.Requests(30, 30, null, null, null),
            new GateReport.Requests(30, 30, null, null, null),
            null,
            null,
            null,
            "item 1 candidate: java.net.ConnectException");

    AnalysisRun run =
        gate.verdict(
            request,
            job("Complete", null),
            List.of(pod(0, unreachable.toTerminationMessage())),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.EVALUATION_FAILED);
    assertThat(run.getMessage())
        .contains("reached neither version: all 30 item(s) failed on both")
        .contains("ConnectException");
    assertThat(run.getDatasetDigest()).isEqualTo(Reports.DATASET);
  }

  @Test
  void aMalformedReportIsAnErrorThatSaysWhatIsWrong() {
    AnalysisRun run =
        gate.verdict(
            request,
            job("Complete", null),
            List.of(pod(0, GateReport.PREFIX + "{\"schema\":1,\"items\":")),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.MALFORMED_REPORT);
    assertThat(run.getMessage())
        .startsWith("the evaluation Job " + name + "'s report could not be read:")
        .contains("not valid JSON");
  }

  @Test
  void aCompletedJobWhosePodIsGoneIsAnErrorSayingSo() {
    AnalysisRun run = gate.verdict(request, job("Complete", null), List.of(), NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.MALFORMED_REPORT);
    assertThat(run.getMessage()).contains("completed but left no report (its pod is gone");
  }

  @Test
  void aFailedJobQuotesWhatItsPodSaid() {
    AnalysisRun run =
        gate.verdict(
            request,
            job("Failed", "BackoffLimitExceeded"),
            List.of(pod(3, "evaluate failed: no evaluation set at s3://evals/chat/qa.jsonl")),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.EVALUATION_FAILED);
    assertThat(run.getMessage())
        .isEqualTo(
            "the evaluation Job "
                + name
                + " failed (BackoffLimitExceeded): the pod exited 3 saying \"evaluate failed: no"
                + " evaluation set at s3://evals/chat/qa.jsonl\"");
    assertThat(run.getCompletionTime()).isEqualTo("2026-12-01T19:58:00Z");
  }

  @Test
  void aJobPastItsDeadlineIsAnErrorNamingTheDeadline() {
    AnalysisRun run = gate.verdict(request, job("Failed", "DeadlineExceeded"), List.of(), NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(run.getReason()).isEqualTo(AnalysisRunReasons.EVALUATION_DEADLINE_EXCEEDED);
    assertThat(run.getMessage()).contains("ran past its deadline of 1800 s");
  }

  @Test
  void aPodOfAnotherJobCannotSpeakForThisOne() {
    GateReport report = Reports.withAccuracy(new Paired(380, 2, 2, 16));

    AnalysisRun run =
        gate.verdict(
            request,
            job("Complete", null),
            List.of(pod("someone-else", 0, report.toTerminationMessage(), "2026-12-01T19:50:00Z")),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Error);
  }

  @Test
  void theNewestPodWithAnEndingSpeaksForTheJob() {
    GateReport passed = Reports.withAccuracy(new Paired(380, 2, 2, 16));
    GateReport failed = Reports.withAccuracy(new Paired(100, 0, 80, 20));

    AnalysisRun run =
        gate.verdict(
            request,
            job("Complete", null),
            List.of(
                pod(name, 0, failed.toTerminationMessage(), "2026-12-01T19:50:00Z"),
                pod(name, 0, passed.toTerminationMessage(), "2026-12-01T19:51:00Z")),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Passed);
  }

  @Test
  void aFailedJobWhoseContainerLeftAReportIsStillJudgedOnIt() {
    GateReport report = Reports.withAccuracy(new Paired(100, 0, 80, 20));

    AnalysisRun run =
        gate.verdict(
            request,
            job("Failed", "PodFailurePolicy"),
            List.of(pod(0, report.toTerminationMessage())),
            NOW);

    assertThat(run.getVerdict()).isEqualTo(AnalysisVerdict.Failed);
  }
}
