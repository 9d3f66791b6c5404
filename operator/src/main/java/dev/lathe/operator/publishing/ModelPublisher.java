package dev.lathe.operator.publishing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobConditions;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.ArtifactException;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes a finished attempt (DESIGN.md §1 step 4): reads the trainer's unsigned statement and
 * recorded inputs (small files), signs the lineage and the statement with the operator's key — the
 * signature last, so a prefix without it is never a published model — and creates the ModelVersion.
 * Every step is idempotent, so an operator that crashes between any two of them finishes the job on
 * its next reconcile with exactly one ModelVersion: re-signing the same content is a no-op, and a
 * ModelVersion this job already created is recognised by its uid.
 */
public class ModelPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();

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
          readJson(store, ArtifactLayout.UNSIGNED_STATEMENT)
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
      JsonNode inputs = readJson(store, "lathe/inputs.json").orElse(JSON.createObjectNode());
      Map<String, Double> metrics = metrics(readJson(store, "lathe/result.json"));
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

  private static Optional<JsonNode> readJson(ArtifactStore store, String key) throws IOException {
    Optional<byte[]> bytes = store.read(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(bytes.get()));
    } catch (IOException e) {
      throw new PublishingFailed(
          FineTuneJobConditions.ARTIFACT_INVALID,
          store.uri(key) + " is not JSON: " + e.getMessage(),
          true);
    }
  }

  /** The numeric figures of the trainer's result.json, for the ModelVersion's status. */
  static Map<String, Double> metrics(Optional<JsonNode> result) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    result.ifPresent(
        r ->
            r.fields()
                .forEachRemaining(
                    e -> {
                      if (e.getValue().isNumber()) {
                        metrics.put(e.getKey(), e.getValue().asDouble());
                      }
                    }));
    return metrics;
  }
}
