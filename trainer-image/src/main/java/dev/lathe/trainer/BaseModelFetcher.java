package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.FetchPlan;
import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.manifest.LocalModelDirectory;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.manifest.ModelPath;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Brings the base model into the pod. A signed base (a ModelVersion) is verified on the local copy
 * the trainer will actually read, so nothing can change between verification and use; if it does
 * not verify, the copy is deleted. A raw Hugging Face directory is hashed, so the lineage can name
 * exactly what the job trained on.
 */
final class BaseModelFetcher {

  private final Optional<TrustPolicy> policy;
  private final PrintStream log;

  /** {@code policy}: the trusted keys, needed only to fetch a signed base. */
  BaseModelFetcher(Optional<TrustPolicy> policy, PrintStream log) {
    this.policy = policy;
    this.log = log;
  }

  FetchedInputs.BaseModel fetch(FetchPlan.BaseModel base, String namespace) {
    String uri = base.address().uri();
    Path target = Path.of(base.target());
    ArtifactStore store = base.address().open();
    try {
      LocalFiles.emptyDirectory(target);
      return base.verify() ? fetchSigned(store, base, namespace) : fetchRaw(store, uri, target);
    } catch (VerificationException e) {
      LocalFiles.emptyQuietly(target, e);
      throw new FetchException(
          "base model " + uri + ": " + e.failure() + " " + e.subject() + ": " + e.getMessage(), e);
    } catch (FetchException e) {
      LocalFiles.emptyQuietly(target, e);
      throw e;
    } catch (IOException | ArtifactException e) {
      LocalFiles.emptyQuietly(target, e);
      throw new FetchException("base model " + uri + ": " + e.getMessage(), e);
    } finally {
      StoreAddress.close(store);
    }
  }

  private FetchedInputs.BaseModel fetchSigned(
      ArtifactStore store, FetchPlan.BaseModel base, String namespace) throws IOException {
    String uri = base.address().uri();
    byte[] bundle =
        store
            .read(ArtifactLayout.SIGNATURE)
            .orElseThrow(
                () ->
                    new VerificationException(
                        VerificationException.Failure.UNSIGNED,
                        uri,
                        "no signature at "
                            + uri
                            + "/"
                            + ArtifactLayout.SIGNATURE
                            + ": not a published model (an upload that never finished, or files"
                            + " nobody signed)"));
    Optional<byte[]> provenance = store.read(ArtifactLayout.PROVENANCE);
    List<String> keys = store.list("").stream().filter(key -> !isSignatureMaterial(key)).toList();
    download(store, keys, Path.of(base.target()));
    ArtifactVerifier.Verified verified =
        new ArtifactVerifier(
                policy.orElseThrow(
                    () -> new IllegalStateException("a signed base needs the trusted keys")))
            .verify(new LocalModelDirectory(Path.of(base.target())), bundle, provenance, namespace);
    if (base.expectedDigest().isPresent()
        && !base.expectedDigest().get().equals(verified.manifestDigest())) {
      throw new FetchException(
          "base model "
              + uri
              + ": verified as "
              + verified.manifestDigest()
              + ", but the plan expects "
              + base.expectedDigest().get());
    }
    log.printf(
        "fetch: base model %s verified, %s, signed by key %s%n",
        uri, verified.manifestDigest(), verified.keyId());
    return new FetchedInputs.BaseModel(
        uri, verified.manifestDigest(), true, Optional.of(verified.keyId()));
  }

  private FetchedInputs.BaseModel fetchRaw(ArtifactStore store, String uri, Path target)
      throws IOException {
    List<String> keys = store.list("");
    if (keys.isEmpty()) {
      throw new FetchException("base model " + uri + ": no objects there");
    }
    download(store, keys, target);
    String digest = ModelHasher.files().hash(target, ArtifactLayout.NOT_MODEL_FILES).digestString();
    log.printf("fetch: base model %s (unsigned) hashed, %s%n", uri, digest);
    return new FetchedInputs.BaseModel(uri, digest, false, Optional.empty());
  }

  /** The signature and Lathe's own files travel beside a model but are not part of it. */
  private static boolean isSignatureMaterial(String key) {
    return ArtifactLayout.NOT_MODEL_FILES.stream()
        .anyMatch(ignored -> key.equals(ignored) || key.startsWith(ignored + "/"));
  }

  private static void download(ArtifactStore store, List<String> keys, Path target)
      throws IOException {
    for (String key : keys) {
      // ModelPath refuses a key that would land outside the target directory.
      store.download(key, new ModelPath(key).resolveIn(target));
    }
  }
}
