package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionConditions;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoragePaths;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.Failure;
import dev.lathe.operator.storage.OperatorStorage;
import java.io.IOException;
import java.util.Optional;

/**
 * The observing half of the operator's verification: reads the two small files (signature and
 * provenance) at a version's location and checks them against the trust policy. It never reads
 * weights; the verification Job hashes those.
 */
public class SignatureReader {

  private final OperatorStorage storage;
  private final OperatorKeys keys;

  public SignatureReader(OperatorStorage storage, OperatorKeys keys) {
    this.storage = storage;
    this.keys = keys;
  }

  public SignatureCheck check(ModelVersion version) {
    String namespace = version.getMetadata().getNamespace();
    var location = version.getSpec().getSource().getStorage();
    ArtifactStore store;
    try {
      store = storage.open(namespace, location);
    } catch (OperatorStorage.UnreachableStorage e) {
      return new SignatureCheck.Unreadable(e.getMessage());
    } catch (StoragePaths.UnsafeStoragePath e) {
      return new SignatureCheck.Refused(
          new Failure(ModelVersionConditions.UNSAFE_STORAGE_PATH, e.getMessage(), false));
    }
    try {
      Optional<byte[]> bundle = store.read(ArtifactLayout.SIGNATURE);
      if (bundle.isEmpty()) {
        return new SignatureCheck.Refused(
            new Failure(
                ModelVersionConditions.UNSIGNED,
                "no signature ("
                    + ArtifactLayout.SIGNATURE
                    + ") at "
                    + location.getUri()
                    + ": nothing unsigned is served; sign it with `lathe sign` or publish it"
                    + " through a FineTuneJob",
                true));
      }
      ArtifactVerifier verifier = new ArtifactVerifier(keys.trustPolicy(), 1);
      ArtifactVerifier.Signed signed =
          verifier.verifySignature(bundle.get(), namespace, location.getUri());
      Optional<Provenance> provenance =
          store
              .read(ArtifactLayout.PROVENANCE)
              .map(b -> verifier.verifyProvenance(b, signed.claim(), namespace));
      return new SignatureCheck.Trusted(
          signed.manifestDigest(),
          signed.key().keyId(),
          signed.algorithm().id(),
          location.getUri() + "/" + ArtifactLayout.SIGNATURE,
          provenance.map(p -> location.getUri() + "/" + ArtifactLayout.PROVENANCE),
          provenance);
    } catch (VerificationException e) {
      return new SignatureCheck.Refused(VerificationFailures.of(e.failure(), e.getMessage()));
    } catch (StoragePaths.UnsafeStoragePath e) {
      // A link planted where the artifact should be: nothing there is this version's to read.
      return new SignatureCheck.Refused(
          new Failure(ModelVersionConditions.UNSAFE_STORAGE_PATH, e.getMessage(), false));
    } catch (IOException
        | ArtifactException
        | software.amazon.awssdk.core.exception.SdkException e) {
      return new SignatureCheck.Unreadable(
          "cannot read " + location.getUri() + ": " + e.getMessage());
    } finally {
      OperatorStorage.close(store);
    }
  }
}
