package dev.lathe.artifact.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.manifest.ModelPath;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.signing.SignedStatement;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Publishes artifacts in two halves, as DESIGN.md splits the work: whoever has the files (the
 * trainer) uploads them and then their unsigned statement; whoever holds the key (the operator)
 * signs that statement without touching the weights, writing the provenance and then the signature
 * last. A prefix is immutable once signed: signing the same content again is a no-op, anything else
 * is refused.
 */
public final class ArtifactPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a signed prefix holds. */
  public record Published(String uri, String manifestDigest, boolean alreadyPublished) {}

  private final ArtifactStore store;

  public ArtifactPublisher(ArtifactStore store) {
    this.store = store;
  }

  /**
   * Uploads a local model directory's files under {@code prefix}, then its unsigned model-signing
   * statement. Nothing is uploaded when the prefix already holds the same signed model.
   */
  public Manifest upload(Path modelDirectory, String modelName, String prefix, ModelHasher hasher)
      throws IOException {
    Manifest manifest = hasher.hash(modelDirectory, ArtifactLayout.NOT_MODEL_FILES);
    String digest = manifest.digestString();
    Optional<String> signed = signedDigest(prefix);
    if (signed.isPresent()) {
      if (signed.get().equals(digest)) {
        return manifest;
      }
      throw immutable(prefix, signed.get(), digest);
    }
    for (ModelPath file : manifest.files()) {
      store.upload(file.resolveIn(modelDirectory), ArtifactStore.join(prefix, file.value()));
    }
    store.write(
        ArtifactStore.join(prefix, ArtifactLayout.UNSIGNED_STATEMENT),
        JSON.writeValueAsBytes(ModelSigningStatement.of(modelName, manifest)));
    return manifest;
  }

  /** Signs the statement a finished upload left under {@code prefix}. */
  public Published sign(String prefix, KeyPair key, Optional<Provenance> provenance)
      throws IOException {
    byte[] unsigned =
        store
            .read(ArtifactStore.join(prefix, ArtifactLayout.UNSIGNED_STATEMENT))
            .orElseThrow(
                () ->
                    new ArtifactException(
                        "no unsigned statement at "
                            + store.uri(
                                ArtifactStore.join(prefix, ArtifactLayout.UNSIGNED_STATEMENT))
                            + ": the upload did not finish"));
    JsonNode statement = JSON.readTree(unsigned);
    String digest = "sha256:" + ModelSigningStatement.read(statement).rootDigest();
    Optional<String> signed = signedDigest(prefix);
    if (signed.isPresent()) {
      if (signed.get().equals(digest)) {
        return new Published(store.uri(prefix), digest, true);
      }
      throw immutable(prefix, signed.get(), digest);
    }
    if (provenance.isPresent()) {
      if (!("sha256:" + provenance.get().modelDigest()).equals(digest)) {
        throw new ArtifactException(
            "the provenance describes sha256:"
                + provenance.get().modelDigest()
                + ", not "
                + digest);
      }
      store.write(
          ArtifactStore.join(prefix, ArtifactLayout.PROVENANCE),
          SignedStatement.sign(provenance.get().toStatement(), key));
    }
    // Last: from this write on, the prefix is a published artifact.
    store.write(
        ArtifactStore.join(prefix, ArtifactLayout.SIGNATURE), SignedStatement.sign(statement, key));
    return new Published(store.uri(prefix), digest, false);
  }

  /** Uploads and signs in one go, for a holder of both files and key (the CLI). */
  public Published publish(
      Path modelDirectory,
      String modelName,
      String prefix,
      ModelHasher hasher,
      KeyPair key,
      Optional<Provenance> provenance)
      throws IOException {
    upload(modelDirectory, modelName, prefix, hasher);
    return sign(prefix, key, provenance);
  }

  /**
   * The root digest the prefix's signature claims, read without checking the signature: only to
   * decide between no-op and refusal, never to trust the content.
   */
  private Optional<String> signedDigest(String prefix) throws IOException {
    Optional<byte[]> bundle = store.read(ArtifactStore.join(prefix, ArtifactLayout.SIGNATURE));
    if (bundle.isEmpty()) {
      return Optional.empty();
    }
    JsonNode payload = SignedStatement.unverifiedStatement(bundle.get());
    return Optional.of(
        "sha256:" + payload.path("subject").path(0).path("digest").path("sha256").asText());
  }

  private ArtifactException immutable(String prefix, String existing, String attempted) {
    return new ArtifactException(
        store.uri(prefix)
            + " already holds a published model ("
            + existing
            + "); published paths are immutable,"
            + " so "
            + attempted
            + " must go to a new path");
  }
}
