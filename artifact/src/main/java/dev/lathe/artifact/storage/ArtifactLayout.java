package dev.lathe.artifact.storage;

import java.util.Set;

/**
 * Where things sit under an artifact's prefix: the model files at their own paths, the
 * model-signing bundle as model.sig, and Lathe's extras under lathe/. The signature is written
 * last; a prefix without it holds no published artifact, whatever else it holds.
 */
public final class ArtifactLayout {

  /** The model-signing bundle, where OpenSSF's tool looks for it by default. */
  public static final String SIGNATURE = "model.sig";

  /** Lathe's own files: the unsigned statement a trainer leaves, the signed provenance. */
  public static final String LATHE_DIRECTORY = "lathe";

  /** The model-signing statement a trainer writes before anyone signs it. */
  public static final String UNSIGNED_STATEMENT = "lathe/statement.json";

  /** The bundle of the signed SLSA provenance. */
  public static final String PROVENANCE = "lathe/provenance.sig";

  /** Paths of an artifact that are not model files, left out of the signed manifest. */
  public static final Set<String> NOT_MODEL_FILES = Set.of(SIGNATURE, LATHE_DIRECTORY);

  private ArtifactLayout() {}
}
