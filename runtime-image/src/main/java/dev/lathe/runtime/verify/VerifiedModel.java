package dev.lathe.runtime.verify;

import dev.lathe.artifact.lineage.Provenance;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A local model directory whose signature and every digest were checked against the trust policy.
 *
 * @param directory where the verified files are
 * @param manifestDigest "sha256:" + the signed root digest
 * @param keyId the trusted key that signed it
 * @param modelName the name in the signed statement
 * @param baseModel for a fine-tuned model, the base its signed provenance names
 */
public record VerifiedModel(
    Path directory,
    String manifestDigest,
    String keyId,
    String modelName,
    Optional<Provenance.Dependency> baseModel) {

  /** A PEFT adapter rather than a full model. */
  public boolean isAdapter() {
    return java.nio.file.Files.isRegularFile(directory.resolve("adapter_config.json"));
  }
}
