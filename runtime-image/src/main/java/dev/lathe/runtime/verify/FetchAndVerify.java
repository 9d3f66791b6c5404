package dev.lathe.runtime.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.PROVENANCE_MISMATCH;

import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.verify.VerificationException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The runtime's init step: downloads a ModelVersion (and, for an adapter, the base its signed
 * provenance names; and any further adapters) into the models directory and verifies each local
 * copy before anything can load it. Layout: {@code model/}, {@code base/}, {@code adapters/NAME/}.
 *
 * <p>The served base's weights are the one exception: their signed digests are checked by {@code
 * serve} on the bytes it reads into memory ({@link LocalModelVerifier#verifyAllButWeights}), which
 * it must do anyway to close the window between a check here and its load. Hashing them here too
 * would read every weight byte twice per pod (16 GB for an 8B model) to learn nothing more; a
 * tampered weight file is refused by {@code serve}, before it listens, with the same verdict.
 */
public final class FetchAndVerify {

  public static final String MODEL = "model";
  public static final String BASE = "base";
  public static final String ADAPTERS = "adapters";

  /** What was fetched and verified. */
  public record Result(
      VerifiedModel model, Optional<VerifiedModel> base, Map<String, VerifiedModel> adapters) {

    /** The full model the server loads: the base for an adapter, else the model itself. */
    public VerifiedModel servedBase() {
      return base.orElse(model);
    }
  }

  private final StoreLocations locations;
  private final LocalModelVerifier verifier;
  private final PrintStream log;

  public FetchAndVerify(StoreLocations locations, LocalModelVerifier verifier, PrintStream log) {
    this.locations = locations;
    this.verifier = verifier;
    this.log = log;
  }

  public Result run(String modelUri, Map<String, String> adapterUris, Path modelsDirectory) {
    VerifiedModel model = fetch(modelUri, modelsDirectory.resolve(MODEL), verifier::verifyAsServed);
    Optional<VerifiedModel> base = Optional.empty();
    if (model.isAdapter()) {
      Provenance.Dependency dependency =
          model
              .baseModel()
              .orElseThrow(
                  () ->
                      new VerificationException(
                          PROVENANCE_MISMATCH,
                          modelUri,
                          "adapter "
                              + modelUri
                              + " has no signed provenance naming its base model: cannot tell"
                              + " which base it must run on"));
      base = Optional.of(fetchExpected(dependency, modelsDirectory.resolve(BASE), modelUri));
    }
    VerifiedModel served = base.orElse(model);
    Map<String, VerifiedModel> adapters = new LinkedHashMap<>();
    for (Map.Entry<String, String> adapter : adapterUris.entrySet()) {
      VerifiedModel verified =
          fetch(
              adapter.getValue(),
              modelsDirectory.resolve(ADAPTERS).resolve(adapter.getKey()),
              verifier::verify);
      AdapterCompatibility.requireTrainedOn(verified, served, adapter.getValue());
      adapters.put(adapter.getKey(), verified);
    }
    return new Result(model, base, adapters);
  }

  private VerifiedModel fetchExpected(Provenance.Dependency dependency, Path target, String child) {
    VerifiedModel base = fetch(dependency.uri(), target, verifier::verifyAllButWeights);
    if (!base.manifestDigest().equals("sha256:" + dependency.sha256())) {
      throw new VerificationException(
          PROVENANCE_MISMATCH,
          dependency.uri(),
          "the provenance of "
              + child
              + " names base model sha256:"
              + dependency.sha256()
              + " at "
              + dependency.uri()
              + ", which holds "
              + base.manifestDigest());
    }
    return base;
  }

  /** Downloads {@code uri} into {@code target} and verifies the copy with {@code verification}. */
  private VerifiedModel fetch(String uri, Path target, Function<Path, VerifiedModel> verification) {
    ArtifactStore store = locations.open(uri);
    try {
      log.println("fetching " + store.uri("") + " into " + target);
      ArtifactDownloader.download(store, "", target);
    } finally {
      StoreLocations.close(store);
    }
    VerifiedModel verified = verification.apply(target);
    log.println(
        "verified "
            + uri
            + ": "
            + verified.manifestDigest()
            + " signed by "
            + verified.keyId().substring(0, Math.min(16, verified.keyId().length()))
            + "…"
            + (verified.weightsToHash().isEmpty()
                ? ""
                : "; serve hashes "
                    + String.join(", ", new TreeSet<>(verified.weightsToHash().keySet()))
                    + " as it loads them"));
    return verified;
  }
}
