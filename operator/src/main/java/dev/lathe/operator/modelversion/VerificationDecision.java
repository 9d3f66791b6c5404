package dev.lathe.operator.modelversion;

import static dev.lathe.api.v1alpha1.ModelVersionConditions.AVAILABLE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.DIGEST_MISMATCH;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.NOT_VERIFIED;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.STORAGE_UNAVAILABLE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.VERIFIED;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.VERIFYING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneMethod;
import dev.lathe.api.v1alpha1.Hyperparameters;
import dev.lathe.api.v1alpha1.Lineage;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionConditions;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.SignatureStatus;
import dev.lathe.artifact.contract.VerificationReport;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.operator.status.ConditionWriter;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.status.Notice;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.StatusConditions;
import dev.lathe.operator.workloads.JobConditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides a ModelVersion's verification from a {@link ModelVersionSnapshot}, without I/O. The
 * operator's half (signature and provenance, checked by the observer) and the Job's half (every
 * file's digest) give Verified and Available, with a reason naming what failed. A version is
 * verified once per generation; its spec is immutable, so that is once.
 */
public final class VerificationDecision {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration recheck;

  public VerificationDecision(Duration recheck) {
    this.recheck = recheck;
  }

  /** Whether verification is over for this generation (so the observer reads no storage). */
  public static boolean settled(ModelVersion version) {
    long generation = generation(version);
    return version.getStatus() != null
        && StatusConditions.find(version.getStatus().getConditions(), VERIFIED)
            .filter(c -> !Condition.UNKNOWN.equals(c.getStatus()))
            .filter(
                c ->
                    Condition.TRUE.equals(c.getStatus())
                        || !VerificationFailures.retryable(c.getReason()))
            .filter(
                c -> c.getObservedGeneration() != null && c.getObservedGeneration() == generation)
            .isPresent();
  }

  public Plan<ModelVersionStatus, VerificationStep> decide(ModelVersionSnapshot seen, Instant now) {
    ModelVersion version = seen.version();
    ModelVersionStatus status =
        JSON.convertValue(
            Optional.ofNullable(version.getStatus()).orElseGet(ModelVersionStatus::new),
            ModelVersionStatus.class);
    long generation = generation(version);
    ConditionWriter conditions = new ConditionWriter(status, generation, now);
    Plan<ModelVersionStatus, VerificationStep> plan = new Plan<>(status, conditions);
    seen.acceptance().report(conditions);
    status.setObservedGeneration(generation);
    if (!seen.acceptance().accepted()) {
      if (seen.acceptance().waitsOnOtherObjects()) {
        plan.next(recheck);
      }
      return plan;
    }
    if (settled(version) || seen.signature().isEmpty()) {
      return plan;
    }
    SignatureCheck signature = seen.signature().get();
    if (signature instanceof SignatureCheck.Unreadable unreadable) {
      unknown(plan, STORAGE_UNAVAILABLE, unreadable.message());
      return plan;
    }
    if (signature instanceof SignatureCheck.Refused refused) {
      refuse(plan, refused.failure());
      return plan;
    }
    SignatureCheck.Trusted trusted = (SignatureCheck.Trusted) signature;
    record(version, status, trusted);
    String checking =
        "signature by key " + trusted.keyId() + " is trusted; a Job checks every file's digest";
    if (seen.verifyJob().isEmpty()) {
      plan.step(new VerificationStep.CreateVerifyJob(trusted.manifestDigest()));
      unknown(plan, VERIFYING, checking);
      return plan;
    }
    Job job = seen.verifyJob().get();
    Optional<VerificationReport> answer = report(seen.verifyPods());
    if (JobConditions.isTrue(job, "Complete") && seen.verifyPods().isEmpty()) {
      // The pods' informer has not delivered them yet; their report is on its way.
      unknown(plan, VERIFYING, checking);
      return plan;
    }
    if (JobConditions.isTrue(job, "Complete")) {
      Optional<VerificationReport.Verified> verified =
          answer
              .filter(VerificationReport.Verified.class::isInstance)
              .map(VerificationReport.Verified.class::cast);
      String digest = verified.map(VerificationReport.Verified::manifestDigest).orElse("");
      if (!digest.equals(trusted.manifestDigest())) {
        refuse(
            plan,
            new Failure(
                DIGEST_MISMATCH,
                "the verification Job hashed "
                    + digest
                    + " but the signature covers "
                    + trusted.manifestDigest(),
                false));
        return plan;
      }
      status.getArtifact().setFiles(verified.get().files());
      status.getArtifact().setSizeBytes(verified.get().sizeBytes());
      conditions.set(
          VERIFIED,
          Condition.TRUE,
          ModelVersionConditions.VERIFIED_REASON,
          "signed by key "
              + trusted.keyId()
              + " ("
              + trusted.algorithm()
              + "); every file matches "
              + trusted.manifestDigest(),
          Notice.NORMAL);
      conditions.set(
          AVAILABLE,
          Condition.TRUE,
          ModelVersionConditions.READY,
          "verified and stored at " + version.getSpec().getSource().getStorage().getUri(),
          Notice.QUIET);
      return plan;
    }
    if (JobConditions.isTrue(job, "Failed")) {
      Optional<VerificationReport.Refused> refused =
          answer
              .filter(VerificationReport.Refused.class::isInstance)
              .map(VerificationReport.Refused.class::cast);
      String failure = refused.map(VerificationReport.Refused::failure).orElse("");
      String message =
          refused
              .map(r -> r.subject() + ": " + r.message())
              .orElse("the verification Job failed without saying why");
      Optional<Failure> named =
          VerificationFailures.named(failure).map(f -> VerificationFailures.of(f, message));
      if (named.isEmpty()) {
        // STORAGE, or nothing: the files could not be read, which says nothing about them.
        plan.step(new VerificationStep.DeleteVerifyJob(job.getMetadata().getName()));
        unknown(plan, STORAGE_UNAVAILABLE, "the verification Job could not read " + message);
        return plan;
      }
      refuse(plan, named.get());
      return plan;
    }
    unknown(plan, VERIFYING, checking);
    return plan;
  }

  private void refuse(Plan<ModelVersionStatus, VerificationStep> plan, Failure failure) {
    plan.conditions()
        .set(VERIFIED, Condition.FALSE, failure.reason(), failure.message(), Notice.WARNING);
    plan.conditions()
        .set(
            AVAILABLE,
            Condition.FALSE,
            NOT_VERIFIED,
            "deployments may not use a version that failed verification",
            Notice.QUIET);
    if (failure.retryable()) {
      plan.next(recheck);
    }
  }

  private void unknown(
      Plan<ModelVersionStatus, VerificationStep> plan, String reason, String message) {
    boolean verifying = VERIFYING.equals(reason);
    plan.conditions()
        .set(
            VERIFIED,
            Condition.UNKNOWN,
            reason,
            message,
            verifying ? Notice.QUIET : Notice.WARNING);
    plan.conditions().set(AVAILABLE, Condition.FALSE, reason, message, Notice.QUIET);
    if (!verifying) {
      plan.next(recheck);
    }
  }

  private static void record(
      ModelVersion version, ModelVersionStatus status, SignatureCheck.Trusted trusted) {
    var location = version.getSpec().getSource().getStorage();
    ArtifactStatus artifact =
        Optional.ofNullable(status.getArtifact()).orElseGet(ArtifactStatus::new);
    artifact.setUri(location.getUri());
    artifact.setManifestDigest(trusted.manifestDigest());
    status.setArtifact(artifact);
    SignatureStatus signature = new SignatureStatus();
    signature.setKeyId(trusted.keyId());
    signature.setAlgorithm(trusted.algorithm());
    signature.setEnvelopeUri(trusted.envelopeUri());
    trusted.provenanceUri().ifPresent(signature::setProvenanceUri);
    status.setSignature(signature);
    trusted.provenance().ifPresent(p -> status.setLineage(lineage(p)));
  }

  static Lineage lineage(Provenance provenance) {
    Lineage lineage = new Lineage();
    lineage.setParents(provenance.parents().stream().map(p -> "sha256:" + p).toList());
    provenance
        .dependency(Provenance.BASE_MODEL)
        .ifPresent(d -> lineage.setBaseModelDigest("sha256:" + d.sha256()));
    provenance
        .dependency(Provenance.DATASET)
        .ifPresent(d -> lineage.setDatasetDigest("sha256:" + d.sha256()));
    provenance
        .dependency(Provenance.TRAINER_IMAGE)
        .ifPresent(d -> lineage.setTrainerImage(d.uri()));
    lineage.setFineTuneJobName(provenance.fineTuneJob().name());
    lineage.setFineTuneJobUid(provenance.fineTuneJob().uid());
    JsonNode settings = provenance.settings();
    if (settings != null && settings.has("method")) {
      lineage.setMethod(JSON.convertValue(settings.get("method"), FineTuneMethod.class));
    }
    if (settings != null && settings.has("hyperparameters")) {
      lineage.setHyperparameters(
          JSON.convertValue(settings.get("hyperparameters"), Hyperparameters.class));
    }
    return lineage;
  }

  /** The verification Job's report: the JSON termination message of its last pod that wrote one. */
  static Optional<VerificationReport> report(List<Pod> pods) {
    return pods.stream()
        .flatMap(VerificationDecision::messages)
        .reduce((first, second) -> second)
        .flatMap(VerificationReport::parse);
  }

  private static Stream<String> messages(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated().getMessage())
        .filter(m -> m != null && m.strip().startsWith("{"));
  }

  private static long generation(ModelVersion version) {
    return version.getMetadata().getGeneration() == null
        ? 0
        : version.getMetadata().getGeneration();
  }
}
