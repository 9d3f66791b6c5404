package dev.lathe.runtime.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.UNSIGNED;

import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.LocalModelDirectory;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.engine.safetensors.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

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

  /** Verifies the signature and every file's digest. */
  public VerifiedModel verify(Path directory) {
    return verify(directory, name -> false);
  }

  /**
   * Verifies the signature and every file's digest but the weights' (the safetensors files and
   * their index), which come back in {@link VerifiedModel#weightsToHash()} for the loader to check
   * on the bytes it keeps ({@link LoadedWeightDigests}): one read of the weights, not two, and no
   * moment between the check and the load when a changed file could slip in.
   */
  public VerifiedModel verifyAllButWeights(Path directory) {
    return verify(
        directory,
        name ->
            !name.contains("/")
                && (name.endsWith(".safetensors") || name.equals(Checkpoint.INDEX_FILE)));
  }

  /**
   * The model a pod's spec names, as serve will load it: an adapter verified whole (it is small), a
   * full model all but its weights, which serve hashes as it loads them. Whether it is an adapter
   * is read from the unverified copy; the signed file list then refuses a file added or removed to
   * sway it.
   */
  public VerifiedModel verifyAsServed(Path directory) {
    return VerifiedModel.holdsAdapter(directory)
        ? verify(directory)
        : verifyAllButWeights(directory);
  }

  private VerifiedModel verify(Path directory, Predicate<String> deferred) {
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
              .verify(new LocalModelDirectory(directory), bundle, provenance, namespace, deferred);
      return new VerifiedModel(
          directory,
          verified.manifestDigest(),
          verified.keyId(),
          verified.claim().subjectName(),
          verified.provenance().flatMap(p -> p.dependency(Provenance.BASE_MODEL)),
          verified.deferredDigests());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory, e);
    }
  }
}
