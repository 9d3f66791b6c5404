package dev.lathe.operator.modelversion;

import static dev.lathe.api.v1alpha1.ModelVersionConditions.AVAILABLE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionConditions;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.artifact.contract.VerificationReport;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.operator.Fixtures;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.PlannedEvent;
import dev.lathe.operator.status.Problem;
import dev.lathe.operator.status.StatusConditions;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the ModelVersion decision, on snapshots in memory. */
class VerificationDecisionTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration RECHECK = Duration.ofSeconds(30);
  static final String DIGEST = "sha256:" + "a".repeat(64);

  final VerificationDecision decision = new VerificationDecision(RECHECK);
  ModelVersion version = Fixtures.baseModel("llama-3-1-8b-instruct");
  Acceptance acceptance = new Acceptance(List.of());
  Job job;
  final List<Pod> pods = new ArrayList<>();
  SignatureCheck signature = trusted();

  VerificationDecisionTest() {
    version.getMetadata().setGeneration(1L);
    version.getMetadata().setUid("mv-uid");
    version.setStatus(new ModelVersionStatus());
  }

  static SignatureCheck.Trusted trusted() {
    return new SignatureCheck.Trusted(
        DIGEST,
        "operator-key",
        "ecdsa-p256-sha256",
        "s3://models/llama-3-1-8b-instruct/model.sig",
        Optional.empty(),
        Optional.empty());
  }

  private Plan<ModelVersionStatus, VerificationStep> decide() {
    return decision.decide(
        new ModelVersionSnapshot(
            version,
            acceptance,
            Optional.ofNullable(job),
            pods,
            VerificationDecision.settled(version) ? Optional.empty() : Optional.of(signature)),
        NOW);
  }

  private static Condition condition(Plan<ModelVersionStatus, VerificationStep> plan, String type) {
    return StatusConditions.find(plan.status().getConditions(), type).orElseThrow();
  }

  private static Job finished(String type) {
    return new JobBuilder()
        .withNewMetadata()
        .withName("llama-3-1-8b-instruct-verify")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private void jobReported(String json) {
    pods.add(
        new PodBuilder()
            .withNewMetadata()
            .withName("verify-pod")
            .endMetadata()
            .withNewStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("verify")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .withMessage(json)
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build());
  }

  @Test
  void rejectedSpecIsNotVerifiedAndIsLookedAtAgainWhenItWaitsOnAnotherObject() {
    acceptance =
        new Acceptance(
            List.of(Problem.missing(AcceptanceReasons.MODEL_VERSION_NOT_FOUND, "no base")));

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, "Accepted").getStatus()).isEqualTo("False");
    assertThat(StatusConditions.find(plan.status().getConditions(), VERIFIED)).isEmpty();
    assertThat(plan.next()).contains(RECHECK);
  }

  @Test
  void trustedSignatureStartsTheDigestJobAndRecordsTheSignature() {
    var plan = decide();

    assertThat(plan.steps()).containsExactly(new VerificationStep.CreateVerifyJob(DIGEST));
    assertThat(condition(plan, VERIFIED).getStatus()).isEqualTo("Unknown");
    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo(ModelVersionConditions.VERIFYING);
    assertThat(plan.status().getSignature().getKeyId()).isEqualTo("operator-key");
    assertThat(plan.status().getArtifact().getManifestDigest()).isEqualTo(DIGEST);
    assertThat(plan.next()).isEmpty();
    assertThat(plan.conditions().events())
        .extracting(PlannedEvent::reason)
        .containsExactly(AcceptanceReasons.VALID);
  }

  @Test
  void jobStillHashingKeepsTheVersionVerifying() {
    job = new JobBuilder().withNewMetadata().withName("v").endMetadata().build();

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("Verifying");
  }

  @Test
  void everyFileMatchingMakesTheVersionVerifiedAndAvailable() {
    job = finished("Complete");
    jobReported(new VerificationReport.Verified(DIGEST, "k1", "ecdsa", 4, 1234L).toJson());

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getStatus()).isEqualTo("True");
    assertThat(condition(plan, AVAILABLE).getReason()).isEqualTo("Ready");
    assertThat(plan.status().getArtifact().getFiles()).isEqualTo(4);
    assertThat(plan.status().getArtifact().getSizeBytes()).isEqualTo(1234L);
    assertThat(plan.conditions().events())
        .extracting(PlannedEvent::reason)
        .containsExactly(AcceptanceReasons.VALID, "Verified");
  }

  @Test
  void jobThatHashedAnotherDigestIsAFinalDigestMismatch() {
    job = finished("Complete");
    jobReported(new VerificationReport.Verified("sha256:other", "k1", "ecdsa", 4, 1L).toJson());

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("DigestMismatch");
    assertThat(condition(plan, AVAILABLE).getReason()).isEqualTo("NotVerified");
    assertThat(plan.next()).isEmpty();
  }

  @Test
  void completeJobWhosePodsTheCacheHasNotDeliveredYetKeepsVerifying() {
    job = finished("Complete");

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("Verifying");
  }

  @Test
  void jobThatFoundAMissingFileRefusesTheVersionWithThatReason() {
    job = finished("Failed");
    jobReported(
        new VerificationReport.Refused("MISSING_FILE", "model.safetensors", "absent").toJson());

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("MissingFile");
    assertThat(condition(plan, VERIFIED).getMessage()).isEqualTo("model.safetensors: absent");
    assertThat(plan.next()).isEmpty();
  }

  @Test
  void jobThatCouldNotReadTheStorageIsDeletedAndTriedAgain() {
    job = finished("Failed");
    jobReported(
        new VerificationReport.Refused(VerificationReport.STORAGE, "s3", "timeout").toJson());

    var plan = decide();

    assertThat(plan.steps())
        .containsExactly(new VerificationStep.DeleteVerifyJob("llama-3-1-8b-instruct-verify"));
    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("StorageUnavailable");
    assertThat(plan.next()).contains(RECHECK);
  }

  @Test
  void unsignedLocationIsRefusedButLookedAtAgain() {
    signature =
        new SignatureCheck.Refused(
            new Failure(ModelVersionConditions.UNSIGNED, "no signature", true));

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("Unsigned");
    assertThat(plan.next()).contains(RECHECK);
    assertThat(plan.conditions().events())
        .extracting(PlannedEvent::type, PlannedEvent::reason)
        .contains(org.assertj.core.groups.Tuple.tuple("Warning", "Unsigned"));
  }

  @Test
  void badSignatureIsFinal() {
    signature =
        new SignatureCheck.Refused(
            VerificationFailures.of(VerificationException.Failure.BAD_SIGNATURE, "bad"));

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("BadSignature");
    assertThat(plan.next()).isEmpty();
  }

  @Test
  void unreadableStorageSaysSoAndIsRetried() {
    signature = new SignatureCheck.Unreadable("connection refused");

    var plan = decide();

    assertThat(condition(plan, VERIFIED).getStatus()).isEqualTo("Unknown");
    assertThat(condition(plan, VERIFIED).getReason()).isEqualTo("StorageUnavailable");
    assertThat(plan.next()).contains(RECHECK);
  }

  @Test
  void versionVerifiedForItsGenerationIsLeftAlone() {
    version = Fixtures.verified(version);

    var plan = decide();

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.next()).isEmpty();
    assertThat(condition(plan, VERIFIED).getStatus()).isEqualTo("True");
  }

  @Test
  void everyVerificationFailureHasAReasonConstantAndOnlyUnsignedAndUntrustedAreRetried() {
    for (VerificationException.Failure failure : VerificationException.Failure.values()) {
      Failure mapped = VerificationFailures.of(failure, "m");
      assertThat(mapped.reason()).matches("^[A-Z][A-Za-z]+$");
      assertThat(mapped.retryable())
          .as(failure.name())
          .isEqualTo(
              failure == VerificationException.Failure.UNSIGNED
                  || failure == VerificationException.Failure.UNTRUSTED_KEY);
      assertThat(VerificationFailures.retryable(mapped.reason())).isEqualTo(mapped.retryable());
    }
  }
}
