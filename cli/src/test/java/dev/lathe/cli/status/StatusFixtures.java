package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.FineTuneMethod;
import dev.lathe.api.v1alpha1.FineTuneMethodType;
import dev.lathe.api.v1alpha1.Lineage;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.SignatureStatus;
import dev.lathe.api.v1alpha1.TrainingProgress;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository's example manifests, with statuses in the shapes the operator writes: the reports
 * a user reads with {@code lathe status}.
 */
final class StatusFixtures {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private StatusFixtures() {}

  static <T> T example(String file, Class<T> type) {
    Path path = repositoryRoot().resolve("examples").resolve(file);
    try (InputStream in = Files.newInputStream(path)) {
      return Serialization.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Condition condition(String type, String status, String reason, String message) {
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastTransitionTime("2026-12-01T11:58:00Z");
    c.setObservedGeneration(1L);
    return c;
  }

  /** Halfway through training: 40 of 80 steps, ETA two minutes from {@link #NOW}. */
  static FineTuneJobStatus training(long step) {
    FineTuneJobStatus status = new FineTuneJobStatus();
    status.setObservedGeneration(1L);
    status.setAttempts(1);
    status.setJobName("support-bot-v3-1");
    status.setStartTime("2026-12-01T11:57:00Z");
    TrainingProgress progress = new TrainingProgress();
    progress.setStep(step);
    progress.setTotalSteps(80L);
    progress.setPercentComplete((int) (step * 100 / 80));
    progress.setLoss(1.2345);
    progress.setTokensPerSecond(812.0);
    progress.setEstimatedCompletionTime("2026-12-01T12:02:00Z");
    progress.setUpdateTime("2026-12-01T11:59:55Z");
    status.setProgress(progress);
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Accepted", "True", AcceptanceReasons.VALID, "the spec is valid"),
                condition(
                    "Queued", "False", "Admitted", "created Job support-bot-v3-1 (attempt 1)"),
                condition("Running", "True", "Training", "1 pod training"))));
    return status;
  }

  static FineTuneJobStatus queued() {
    FineTuneJobStatus status = new FineTuneJobStatus();
    status.setObservedGeneration(1L);
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Accepted", "True", AcceptanceReasons.VALID, "the spec is valid"),
                condition(
                    "Queued",
                    "True",
                    "QuotaExceeded",
                    "waiting behind 2 older jobs of this namespace (a first) that need 2 GPUs"))));
    return status;
  }

  static ModelVersionStatus verified() {
    ModelVersionStatus status = new ModelVersionStatus();
    status.setObservedGeneration(1L);
    ArtifactStatus artifact = new ArtifactStatus();
    artifact.setUri("pvc://models/fine-tuned/support-bot-v3/attempt-1");
    artifact.setManifestDigest("sha256:" + "ab".repeat(32));
    artifact.setFiles(3);
    artifact.setSizeBytes(3L * 1024 * 1024);
    status.setArtifact(artifact);
    SignatureStatus signature = new SignatureStatus();
    signature.setKeyId("k".repeat(64));
    signature.setAlgorithm("ecdsa-p256-sha256");
    signature.setSignedAt("2026-12-01T11:59:00Z");
    status.setSignature(signature);
    Lineage lineage = new Lineage();
    lineage.setBaseModelDigest("sha256:" + "ba".repeat(32));
    lineage.setParents(List.of("sha256:" + "ba".repeat(32)));
    lineage.setDatasetDigest("sha256:" + "da".repeat(32));
    lineage.setTrainerImage("lathe.local/lathe-trainer@sha256:" + "70".repeat(32));
    lineage.setFineTuneJobName("support-bot-v3");
    FineTuneMethod method = new FineTuneMethod();
    method.setType(FineTuneMethodType.LORA);
    method.setRank(16);
    lineage.setMethod(method);
    status.setLineage(lineage);
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Verified", "True", "SignatureVerified", "signature and digests hold"),
                condition("Available", "True", "Published", "ready to serve"))));
    return status;
  }

  /** A canary at step 1 of 2 (weight 50), its first gate passed. */
  static ModelDeploymentStatus canaryAtSecondStep() {
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setObservedGeneration(1L);
    status.setStableVersion("support-bot-v2");
    status.setCanaryVersion("support-bot-v3");
    status.setCurrentStep(1);
    status.setCanaryWeight(50);
    status.setReplicas(3);
    status.setReadyReplicas(2);
    status.setEndpoint("http://support-bot.ml-platform.svc:8080/v1");
    AnalysisRun run = new AnalysisRun();
    run.setStep(0);
    run.setCanaryVersion("support-bot-v3");
    run.setStableVersion("support-bot-v2");
    run.setVerdict(AnalysisVerdict.Passed);
    run.setMessage("every threshold held");
    MetricResult accuracy = new MetricResult();
    accuracy.setMetric(EvaluationMetric.ACCURACY);
    accuracy.setCanary(0.91);
    accuracy.setStable(0.88);
    accuracy.setPassed(true);
    accuracy.setSource("evaluation");
    MetricResult latency = new MetricResult();
    latency.setMetric(EvaluationMetric.LATENCY_P95_MS);
    latency.setCanary(212.0);
    latency.setStable(198.0);
    latency.setPassed(true);
    latency.setSource("prometheus");
    latency.setCanaryQuery(
        "histogram_quantile(0.95, rate(lathe_request_seconds_bucket{version=\"v3\"}[5m]))");
    latency.setStableQuery(
        "histogram_quantile(0.95, rate(lathe_request_seconds_bucket{version=\"v2\"}[5m]))");
    run.setResults(List.of(accuracy, latency));
    status.setAnalysisRuns(List.of(run));
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Available", "True", "Serving", "2 of 3 pods ready"),
                condition("Progressing", "True", "CanaryStep", "step 1: 50% to support-bot-v3"))));
    return status;
  }

  static FineTuneJob job() {
    return example("finetunejob-llama-lora.yaml", FineTuneJob.class);
  }

  static ModelVersion version() {
    return example("modelversion-base-import.yaml", ModelVersion.class);
  }

  static ModelDeployment deployment() {
    return example("modeldeployment-canary.yaml", ModelDeployment.class);
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root (examples/) above the working directory");
    }
    return dir;
  }
}
