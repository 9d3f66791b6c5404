package dev.lathe.runtime.verify;

import dev.lathe.artifact.lineage.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A local model directory whose signature and every digest were checked against the trust policy.
 *
 * @param directory where the verified files are
 * @param manifestDigest "sha256:" + the signed root digest
 * @param keyId the trusted key that signed it
 * @param modelName the name in the signed statement
 * @param baseModel for a fine-tuned model, the base its signed provenance names
 * @param weightsToHash weight files whose signed digests (hex SHA-256, by file name) are still to
 *     be checked, by the loader, on the bytes it reads into memory; empty when every file was
 *     hashed
 */
public record VerifiedModel(
    Path directory,
    String manifestDigest,
    String keyId,
    String modelName,
    Optional<Provenance.Dependency> baseModel,
    Map<String, String> weightsToHash) {

  public VerifiedModel {
    weightsToHash = Map.copyOf(weightsToHash);
  }

  /** A model every file of which was hashed. */
  public VerifiedModel(
      Path directory,
      String manifestDigest,
      String keyId,
      String modelName,
      Optional<Provenance.Dependency> baseModel) {
    this(directory, manifestDigest, keyId, modelName, baseModel, Map.of());
  }

  /** A PEFT adapter rather than a full model. */
  public boolean isAdapter() {
    return holdsAdapter(directory);
  }

  /**
   * Whether a model directory, verified or not, holds a PEFT adapter: its adapter_config.json. On
   * an unverified copy the answer only chooses how to verify it; the signed file list then refuses
   * a file added or removed to sway it.
   */
  public static boolean holdsAdapter(Path directory) {
    return Files.isRegularFile(directory.resolve("adapter_config.json"));
  }
}
