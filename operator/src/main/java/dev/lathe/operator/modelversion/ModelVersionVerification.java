package dev.lathe.operator.modelversion;

import static dev.lathe.api.v1alpha1.ModelVersionStatus.AVAILABLE;
import static dev.lathe.api.v1alpha1.ModelVersionStatus.VERIFIED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.Lineage;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.SignatureStatus;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoragePaths;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.checks.StorageLocationCheck;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.ConditionReport;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.StatusConditions;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.workloads.JobConditions;
import dev.lathe.operator.workloads.ObjectCreation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a ModelVersion in two halves. The operator checks what is cheap — the signature over the
 * manifest and the provenance against the trust policy, reading two small files — and a Job checks
 * what is not: every file's digest (the operator never reads weights). Verified and Available
 * follow, with a reason naming what failed. A version is verified once per generation; its spec is
 * immutable, so that is once.
 */
public class ModelVersionVerification {

  public static final String VERIFYING = "Verifying";

  /**
   * Refusals that another object can lift without a spec change — a signature uploaded later, a key
   * added to the trust policy — and so are looked at again; a digest mismatch is final.
   */
  static final Set<String> RECHECKED = Set.of("Unsigned", "UntrustedKey");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final WorkloadSettings settings;
  private final OperatorStorage storage;
  private final OperatorKeys keys;
  private final ConditionReport conditions;
  private final Duration recheck;

  public ModelVersionVerification(
      KubernetesClient client,
      WorkloadSettings settings,
      OperatorStorage storage,
      OperatorKeys keys,
      ConditionReport conditions,
      Duration recheck) {
    this.client = client;
    this.settings = settings;
    this.storage = storage;
    this.keys = keys;
    this.conditions = conditions;
    this.recheck = recheck;
  }

  /** One step of verification; returns when to look again if nothing watched will say. */
  public Optional<Duration> advance(ModelVersion version, Optional<Job> verifyJob) {
    ModelVersionStatus status = version.getStatus();
    long generation = generation(version);
    boolean settled =
        StatusConditions.find(status.getConditions(), VERIFIED)
            .filter(c -> !Condition.UNKNOWN.equals(c.getStatus()))
            .filter(c -> Condition.TRUE.equals(c.getStatus()) || !RECHECKED.contains(c.getReason()))
            .filter(
                c -> c.getObservedGeneration() != null && c.getObservedGeneration() == generation)
            .isPresent();
    if (settled) {
      return Optional.empty();
    }

    ArtifactVerifier.Signed signed;
    Optional<Provenance> provenance;
    String namespace = version.getMetadata().getNamespace();
    var location = version.getSpec().getSource().getStorage();
    ArtifactStore store;
    try {
      store = storage.open(namespace, location);
    } catch (OperatorStorage.UnreachableStorage e) {
      return unknown(version, "StorageUnavailable", e.getMessage());
    } catch (StoragePaths.UnsafeStoragePath e) {
      return refuse(version, StorageLocationCheck.UNSAFE_STORAGE_PATH, e.getMessage());
    }
    try {
      Optional<byte[]> bundle = store.read(ArtifactLayout.SIGNATURE);
      if (bundle.isEmpty()) {
        return refuse(
            version,
            "Unsigned",
            "no signature ("
                + ArtifactLayout.SIGNATURE
                + ") at "
                + location.getUri()
                + ": nothing unsigned is served; sign it with `lathe sign` or publish it through a"
                + " FineTuneJob");
      }
      ArtifactVerifier verifier = new ArtifactVerifier(keys.trustPolicy(), 1);
      signed = verifier.verifySignature(bundle.get(), namespace, location.getUri());
      Optional<byte[]> provenanceBundle = store.read(ArtifactLayout.PROVENANCE);
      provenance =
          provenanceBundle.map(b -> verifier.verifyProvenance(b, signed.claim(), namespace));
    } catch (VerificationException e) {
      return refuse(version, reason(e.failure().name()), e.getMessage());
    } catch (StoragePaths.UnsafeStoragePath e) {
      // A link planted where the artifact should be: nothing there is this version's to read.
      return refuse(version, StorageLocationCheck.UNSAFE_STORAGE_PATH, e.getMessage());
    } catch (IOException
        | ArtifactException
        | software.amazon.awssdk.core.exception.SdkException e) {
      return unknown(
          version,
          "StorageUnavailable",
          "cannot read " + location.getUri() + ": " + e.getMessage());
    } finally {
      OperatorStorage.close(store);
    }
    record(version, signed, provenance);

    if (verifyJob.isEmpty()) {
      createVerifyJob(version, signed.manifestDigest());
      return unknown(
          version,
          VERIFYING,
          "signature by key "
              + signed.key().keyId()
              + " is trusted; a Job checks every file's digest");
    }
    Job job = verifyJob.get();
    if (JobConditions.isTrue(job, "Complete")) {
      Optional<JsonNode> answer = terminationMessage(job);
      String digest = answer.map(a -> a.path("manifestDigest").asText()).orElse("");
      if (!digest.equals(signed.manifestDigest())) {
        return refuse(
            version,
            "DigestMismatch",
            "the verification Job hashed "
                + digest
                + " but the signature covers "
                + signed.manifestDigest());
      }
      answer.ifPresent(
          a -> {
            status.getArtifact().setFiles(a.path("files").asInt());
            status.getArtifact().setSizeBytes(a.path("sizeBytes").asLong());
          });
      conditions.set(
          version,
          status,
          VERIFIED,
          Condition.TRUE,
          "Verified",
          "signed by key "
              + signed.key().keyId()
              + " ("
              + signed.algorithm().id()
              + "); every file matches "
              + signed.manifestDigest(),
          EventRecorder.NORMAL);
      conditions.set(
          version,
          status,
          AVAILABLE,
          Condition.TRUE,
          "Ready",
          "verified and stored at " + location.getUri(),
          null);
      return Optional.empty();
    }
    if (JobConditions.isTrue(job, "Failed")) {
      Optional<JsonNode> answer = terminationMessage(job);
      String failure = answer.map(a -> a.path("failure").asText("")).orElse("");
      String message =
          answer
              .map(a -> a.path("subject").asText("") + ": " + a.path("message").asText(""))
              .orElse("the verification Job failed without saying why");
      if (failure.equals("STORAGE") || failure.isEmpty()) {
        // The files could not be read, which says nothing about them: try again later.
        client.resource(job).delete();
        return unknown(
            version, "StorageUnavailable", "the verification Job could not read " + message);
      }
      return refuse(version, reason(failure), message);
    }
    return unknown(
        version,
        VERIFYING,
        "signature by key "
            + signed.key().keyId()
            + " is trusted; a Job checks every file's digest");
  }

  private void record(
      ModelVersion version, ArtifactVerifier.Signed signed, Optional<Provenance> provenance) {
    ModelVersionStatus status = version.getStatus();
    var location = version.getSpec().getSource().getStorage();
    ArtifactStatus artifact =
        Optional.ofNullable(status.getArtifact()).orElseGet(ArtifactStatus::new);
    artifact.setUri(location.getUri());
    artifact.setManifestDigest(signed.manifestDigest());
    status.setArtifact(artifact);
    SignatureStatus signature = new SignatureStatus();
    signature.setKeyId(signed.key().keyId());
    signature.setAlgorithm(signed.algorithm().id());
    signature.setEnvelopeUri(location.getUri() + "/" + ArtifactLayout.SIGNATURE);
    provenance.ifPresent(
        p -> signature.setProvenanceUri(location.getUri() + "/" + ArtifactLayout.PROVENANCE));
    status.setSignature(signature);
    provenance.ifPresent(p -> status.setLineage(lineage(p)));
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
      lineage.setMethod(
          JSON.convertValue(settings.get("method"), dev.lathe.api.v1alpha1.FineTuneMethod.class));
    }
    if (settings != null && settings.has("hyperparameters")) {
      lineage.setHyperparameters(
          JSON.convertValue(
              settings.get("hyperparameters"), dev.lathe.api.v1alpha1.Hyperparameters.class));
    }
    return lineage;
  }

  private void createVerifyJob(ModelVersion version, String digest) {
    Job job =
        VerificationJobBuilder.build(
            version,
            settings.trainerImage(),
            keys.trustedKeysPem(version.getMetadata().getNamespace()),
            digest);
    ObjectCreation.createIfAbsent(client, job);
  }

  private Optional<JsonNode> terminationMessage(Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .flatMap(ModelVersionVerification::messages)
        .reduce((first, second) -> second)
        .flatMap(
            m -> {
              try {
                return Optional.of(JSON.readTree(m));
              } catch (IOException e) {
                return Optional.empty();
              }
            });
  }

  private static java.util.stream.Stream<String> messages(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return java.util.stream.Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated().getMessage())
        .filter(m -> m != null && m.strip().startsWith("{"));
  }

  private Optional<Duration> refuse(ModelVersion version, String reason, String message) {
    Optional<Duration> again = RECHECKED.contains(reason) ? Optional.of(recheck) : Optional.empty();
    conditions.set(
        version,
        version.getStatus(),
        VERIFIED,
        Condition.FALSE,
        reason,
        message,
        EventRecorder.WARNING);
    conditions.set(
        version,
        version.getStatus(),
        AVAILABLE,
        Condition.FALSE,
        "NotVerified",
        "deployments may not use a version that failed verification",
        null);
    return again;
  }

  private Optional<Duration> unknown(ModelVersion version, String reason, String message) {
    conditions.set(
        version,
        version.getStatus(),
        VERIFIED,
        Condition.UNKNOWN,
        reason,
        message,
        VERIFYING.equals(reason) ? null : EventRecorder.WARNING);
    conditions.set(version, version.getStatus(), AVAILABLE, Condition.FALSE, reason, message, null);
    return VERIFYING.equals(reason) ? Optional.empty() : Optional.of(recheck);
  }

  /** DIGEST_MISMATCH → DigestMismatch, a condition reason. */
  static String reason(String failure) {
    StringBuilder out = new StringBuilder();
    for (String part : failure.toLowerCase(Locale.ROOT).split("_")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static long generation(ModelVersion version) {
    return version.getMetadata().getGeneration() == null
        ? 0
        : version.getMetadata().getGeneration();
  }
}
