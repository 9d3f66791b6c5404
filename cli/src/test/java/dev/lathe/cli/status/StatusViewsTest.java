package dev.lathe.cli.status;

import static dev.lathe.cli.status.StatusFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.RolloutAbort;
import dev.lathe.api.v1alpha1.RolloutRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusViewsTest {

  @Test
  void aTrainingJobShowsItsProgressBarStepLossEtaAndConditions() {
    FineTuneJob job = StatusFixtures.job();
    job.setStatus(StatusFixtures.training(40));

    String view = StatusViews.render(job, NOW);

    assertThat(view)
        .startsWith("FineTuneJob ml-platform/support-bot-v3\n")
        .contains("State:      Running")
        .contains("[###############...............]  50%  step 40/80")
        .contains("loss 1.2345")
        .contains("812 tokens/s")
        .contains("ETA:        in 2m (2026-12-01T12:02:00Z)")
        .contains("Attempts:   1 (Job support-bot-v3-1)")
        .contains("Queue:      Admitted: created Job support-bot-v3-1 (attempt 1)")
        .containsPattern("Running +True +Training +2m +1 pod training");
  }

  @Test
  void aQueuedJobShowsWhyItWaitsAndHowManyJobsAreAheadAsTheOperatorSaysIt() {
    FineTuneJob job = StatusFixtures.job();
    job.setStatus(StatusFixtures.queued());

    String view = StatusViews.render(job, NOW);

    assertThat(view)
        .contains("State:      Queued")
        .contains("Queue:      queued, QuotaExceeded: waiting behind 2 older jobs")
        .contains("Progress:   (no report from the trainer yet)");
  }

  @Test
  void aJobTheOperatorHasNotSeenSaysSoInsteadOfShowingNothing() {
    FineTuneJob job = StatusFixtures.job();

    assertThat(StatusViews.render(job, NOW))
        .contains("State:      Pending")
        .contains("(none yet: the operator has not reported on it)");
  }

  @Test
  void aStatusThatDescribesAnOlderSpecIsMarkedAsSuch() {
    FineTuneJob job = StatusFixtures.job();
    job.getMetadata().setGeneration(2L);
    job.setStatus(StatusFixtures.training(10));

    assertThat(StatusViews.render(job, NOW).lines().findFirst().orElseThrow())
        .isEqualTo(
            "FineTuneJob ml-platform/support-bot-v3   (spec generation 2, status still describes 1)");
  }

  @Test
  void aSucceededJobNamesTheModelVersionItPublishedAndNoLongerAnEta() {
    FineTuneJob job = StatusFixtures.job();
    FineTuneJobStatus status = StatusFixtures.training(80);
    status
        .getConditions()
        .add(StatusFixtures.condition("Succeeded", "True", "Published", "ModelVersion published"));
    status.setModelVersion("support-bot-v3");
    job.setStatus(status);

    assertThat(StatusViews.render(job, NOW))
        .contains("State:      Succeeded")
        .contains("[##############################] 100%  step 80/80")
        .contains("Published:  ModelVersion support-bot-v3   (lathe status mv/support-bot-v3)")
        .doesNotContain("ETA:");
  }

  @Test
  void aVerifiedModelVersionShowsSignerAlgorithmDigestAndLineage() {
    ModelVersion version = StatusFixtures.version();
    version.setStatus(StatusFixtures.verified());

    String view = StatusViews.render(version, NOW);

    assertThat(view)
        .contains("Verified:   yes, SignatureVerified: signature and digests hold")
        .contains("Signer:     key " + "k".repeat(64) + "  ecdsa-p256-sha256")
        .contains("Artifact:   sha256:" + "ab".repeat(32) + "  3 files, 3.0 MiB")
        .contains("Lineage:    base sha256:" + "ba".repeat(32))
        .contains("dataset sha256:" + "da".repeat(32))
        .contains("trainer lathe.local/lathe-trainer@sha256:")
        .contains("job support-bot-v3, lora rank 16")
        .contains("Source:     imported from ");
  }

  @Test
  void aModelVersionThatFailedVerificationSaysNoWithTheReason() {
    ModelVersion version = StatusFixtures.version();
    var status = StatusFixtures.verified();
    status
        .getConditions()
        .set(0, StatusFixtures.condition("Verified", "False", "DigestMismatch", "weights changed"));
    version.setStatus(status);

    assertThat(StatusViews.render(version, NOW))
        .contains("Verified:   NO, DigestMismatch: weights changed");
  }

  @Test
  void aDeploymentInACanaryMarksTheCurrentStepAndShowsTheGatesFigures() {
    ModelDeployment deployment = StatusFixtures.deployment();
    deployment.setStatus(StatusFixtures.canaryAtSecondStep());

    String view = StatusViews.render(deployment, NOW);

    assertThat(view)
        .contains("Serving:    support-bot-v2   (spec asks for support-bot-v3)")
        .contains("Replicas:   2/3 ready")
        .contains("Endpoint:   http://support-bot.ml-platform.svc:8080/v1")
        .contains("Canary:     support-bot-v3 at 50% of traffic")
        .contains("  ✓ 0  weight 10%  pause 15m  evaluate\n")
        .contains("  ▶ 1  weight 50%  pause 30m  evaluate\n")
        .contains("step 0  support-bot-v3 vs support-bot-v2  Passed: every threshold held")
        .containsPattern("accuracy +canary 0.9100 +stable 0.8800 +held  from evaluation")
        .containsPattern("latencyP95Ms +canary 212.0 +stable 198.0 +held  from prometheus")
        .contains(
            "        canary query: histogram_quantile(0.95,"
                + " rate(lathe_request_seconds_bucket{version=\"v3\"}[5m]))\n");
  }

  @Test
  void aDeploymentWithoutACanaryMarksNoStep() {
    ModelDeployment deployment = StatusFixtures.deployment();
    var status = StatusFixtures.canaryAtSecondStep();
    status.setCanaryVersion(null);
    status.setCurrentStep(null);
    deployment.setStatus(status);

    assertThat(StatusViews.render(deployment, NOW))
        .contains("    0  weight 10%")
        .doesNotContain("▶")
        .doesNotContain("Canary:");
  }

  @Test
  void aRolledBackDeploymentShowsWhyAndAPromotedOneItsHistory() {
    ModelDeployment deployment = StatusFixtures.deployment();
    var status = StatusFixtures.canaryAtSecondStep();
    RolloutAbort abort = new RolloutAbort();
    abort.setReason("GateFailed");
    abort.setMessage("accuracy: candidate 0.61, stable 0.88, threshold min 0.8");
    status.setAbort(abort);
    RolloutRecord record = new RolloutRecord();
    record.setVersion("support-bot-v2");
    record.setPreviousVersion("support-bot-v1");
    record.setPromotedAt("2026-11-20T10:00:00Z");
    record.setGate("the evaluation gate passed at steps 0, 1");
    status.setHistory(List.of(record));
    deployment.setStatus(status);

    assertThat(StatusViews.render(deployment, NOW))
        .contains(
            "Rolled back: GateFailed: accuracy: candidate 0.61, stable 0.88, threshold min 0.8")
        .contains(
            "  2026-11-20T10:00:00Z  support-bot-v2 replaced support-bot-v1: the evaluation gate"
                + " passed at steps 0, 1");
  }

  @Test
  void resourcesAreNamedKubectlsWayAndAnythingElseIsAClearError() {
    assertThat(ResourceRef.parse("ftj/a").kind()).isEqualTo(ResourceRef.Kind.FINE_TUNE_JOB);
    assertThat(ResourceRef.parse("modelversions/b").kind())
        .isEqualTo(ResourceRef.Kind.MODEL_VERSION);
    assertThat(ResourceRef.parse("md.lathe.dev/c").kind())
        .isEqualTo(ResourceRef.Kind.MODEL_DEPLOYMENT);
    assertThatThrownBy(() -> ResourceRef.parse("pod/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown kind 'pod': use ftj/NAME, mv/NAME or md/NAME");
    assertThatThrownBy(() -> ResourceRef.parse("ftj"))
        .hasMessage("'ftj' is not KIND/NAME: use ftj/NAME, mv/NAME or md/NAME");
    assertThatThrownBy(() -> ResourceRef.parse("ftj/a/b")).hasMessageContaining("not KIND/NAME");
  }

  @Test
  void aTerminalIsRedrawnInPlaceWhileAPipeGetsAppendedBlocksWithoutControlCharacters() {
    StringWriter tty = new StringWriter();
    StatusScreen terminal = new StatusScreen(new PrintWriter(tty), true);
    terminal.show("one\n", NOW);
    terminal.show("two\n", NOW);
    assertThat(tty.toString()).startsWith(StatusScreen.REDRAW + "one\n");
    assertThat(tty.toString()).contains(StatusScreen.REDRAW + "two\n");

    StringWriter pipe = new StringWriter();
    StatusScreen plain = new StatusScreen(new PrintWriter(pipe), false);
    plain.show("one\n", NOW);
    plain.show("two\n", NOW);
    assertThat(pipe.toString())
        .isEqualTo("--- " + NOW + "\none\n\n--- " + NOW + "\ntwo\n")
        .doesNotContain("\033");
  }
}
