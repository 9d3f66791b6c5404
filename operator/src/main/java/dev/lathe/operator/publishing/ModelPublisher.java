package dev.lathe.operator.publishing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.ContractViolation;
import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.contract.TrainingResult;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoragePaths;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.storage.OperatorStorage;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Publishes a finished attempt (DESIGN.md §1 step 4): reads the trainer's unsigned statement and
 * recorded inputs (small files), signs the lineage and the statement with the operator's key — the
 * signature last, so a prefix without it is never a published model — and creates the ModelVersion.
 * Every step is idempotent, so an operator that crashes between any two of them finishes the job on
 * its next reconcile with exactly one ModelVersion: re-signing the same content is a no-op, and a
 * ModelVersion this job already created is recognised by its uid.
 */
public class ModelPublisher {

  private static final ObjectMapper STATEMENT_JSON = new ObjectMapper();

  /** Publishing cannot finish yet or ever; {@code permanent} says which. */
  public static final class PublishingFailed extends RuntimeException {
    private final String reason;
    private final boolean permanent;

    public PublishingFailed(String reason, String message, boolean permanent) {
      super(message);
      this.reason = reason;
      this.permanent = permanent;
    }

    public String reason() {
      return reason;
    }

    public boolean permanent() {
      return permanent;
    }
  }

  /** What was published. */
  public record Published(
      String modelVersion, String manifestDigest, Map<String, Double> metrics) {}

  private final KubernetesClient client;
  private final OperatorStorage storage;
  private final OperatorKeys keys;

  public ModelPublisher(KubernetesClient client, OperatorStorage storage, OperatorKeys keys) {
    this.client = client;
    this.storage = storage;
    this.keys = keys;
  }

  public Published publish(
      FineTuneJob job,
      StorageLocation artifact,
      String modelName,
      String trainerImage,
      Instant startedOn,
      Instant finishedOn) {
    ArtifactStore store;
    try {
      store = storage.open(job.getMetadata().getNamespace(), artifact);
    } catch (StoragePaths.UnsafeStoragePath e) {
      // A link planted in the output: the operator signs nothing it cannot prove is the job's.
      throw new PublishingFailed("UnsafeStoragePath", e.getMessage(), true);
    }
    try {
      JsonNode statement =
          readContract(store, ArtifactLayout.UNSIGNED_STATEMENT, ModelPublisher::statement)
              .orElseThrow(
                  () ->
                      new PublishingFailed(
                          FineTuneJobConditions.ARTIFACT_INCOMPLETE,
                          "the trainer finished but left no "
                              + ArtifactLayout.UNSIGNED_STATEMENT
                              + " under "
                              + artifact.getUri()
                              + ": its upload did not complete",
                          true));
      String digest = "sha256:" + ModelSigningStatement.read(statement).rootDigest();
      Optional<FetchedInputs> inputs =
          readContract(store, FetchedInputs.KEY, FetchedInputs::fromJson);
      Map<String, Double> metrics =
          readContract(store, TrainingResult.KEY, TrainingResult::figures).orElse(Map.of());
      Provenance provenance =
          LineageBuilder.build(job, modelName, digest, inputs, trainerImage, startedOn, finishedOn);
      new ArtifactPublisher(store).sign("", keys.signingKey(), Optional.of(provenance));
      String name = createModelVersion(job, artifact, modelName);
      return new Published(name, digest, metrics);
    } catch (IOException e) {
      throw new PublishingFailed(
          FineTuneJobConditions.STORAGE_UNAVAILABLE,
          "cannot reach " + artifact.getUri() + ": " + e.getMessage(),
          false);
    } catch (ArtifactException e) {
      throw new PublishingFailed(
          FineTuneJobConditions.ARTIFACT_INVALID, artifact.getUri() + ": " + e.getMessage(), true);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new PublishingFailed(
          FineTuneJobConditions.STORAGE_UNAVAILABLE,
          "cannot reach " + artifact.getUri() + ": " + e.getMessage(),
          false);
    } finally {
      OperatorStorage.close(store);
    }
  }

  private String createModelVersion(FineTuneJob job, StorageLocation artifact, String modelName) {
    ModelVersion wanted = ModelVersionBuilder.build(job, artifact, modelName);
    String name = wanted.getMetadata().getName();
    var resource =
        client.resources(ModelVersion.class).inNamespace(job.getMetadata().getNamespace());
    ModelVersion existing = resource.withName(name).get();
    if (existing == null) {
      try {
        resource.resource(wanted).create();
        return name;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = resource.withName(name).get();
      }
    }
    if (existing != null && !ModelVersionBuilder.publishedBy(existing, job)) {
      throw new PublishingFailed(
          FineTuneJobConditions.OUTPUT_NAME_TAKEN,
          "ModelVersion "
              + name
              + " already exists and was not produced by this job; the signed artifact stays at "
              + artifact.getUri()
              + " for an import",
          true);
    }
    return name;
  }

  /**
   * A small file the pod left under the prefix, parsed as its contract says. A file that does not
   * parse fails publishing for good: the pod that wrote it is gone and will not write it again.
   */
  private static <T> Optional<T> readContract(
      ArtifactStore store, String key, Function<byte[], T> parse) throws IOException {
    Optional<byte[]> bytes = store.read(key);
    try {
      return bytes.map(parse);
    } catch (ContractViolation e) {
      throw new PublishingFailed(
          FineTuneJobConditions.ARTIFACT_INVALID,
          "under " + store.uri("") + ": " + e.getMessage(),
          true);
    }
  }

  private static JsonNode statement(byte[] bytes) {
    try {
      return STATEMENT_JSON.readTree(bytes);
    } catch (IOException e) {
      throw new ContractViolation(
          ArtifactLayout.UNSIGNED_STATEMENT + " is not JSON: " + e.getMessage());
    }
  }
}
