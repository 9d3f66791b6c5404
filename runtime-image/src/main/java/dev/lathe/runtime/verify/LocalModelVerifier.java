package dev.lathe.runtime.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.UNSIGNED;

import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.LocalModelDirectory;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Verifies a model directory on local disk, with its model.sig and lathe/provenance.sig beside the
 * files: the bytes that will be loaded are the bytes that were hashed.
 */
public final class LocalModelVerifier {

  private final TrustPolicy policy;
  private final String namespace;

  public LocalModelVerifier(TrustPolicy policy, String namespace) {
    this.policy = policy;
    this.namespace = namespace;
  }

  public VerifiedModel verify(Path directory) {
    Path signature = directory.resolve(ArtifactLayout.SIGNATURE);
    if (!Files.isRegularFile(signature)) {
      throw new VerificationException(
          UNSIGNED, directory.toString(), "no signature at " + signature + ": refusing to load");
    }
    try {
      byte[] bundle = Files.readAllBytes(signature);
      Path provenanceFile = directory.resolve(ArtifactLayout.PROVENANCE);
      Optional<byte[]> provenance =
          Files.isRegularFile(provenanceFile)
              ? Optional.of(Files.readAllBytes(provenanceFile))
              : Optional.empty();
      ArtifactVerifier.Verified verified =
          new ArtifactVerifier(policy)
              .verify(new LocalModelDirectory(directory), bundle, provenance, namespace);
      return new VerifiedModel(
          directory,
          verified.manifestDigest(),
          verified.keyId(),
          verified.claim().subjectName(),
          verified.provenance().flatMap(p -> p.dependency(Provenance.BASE_MODEL)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory, e);
    }
  }
}
