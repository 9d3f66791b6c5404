package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.operator.storage.OperatorStorage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What happens to a ModelVersion's files when it is deleted. By default they stay (auditors keep
 * the evidence, and another version may be an import of the same files); the annotation
 * lathe.dev/artifact-deletion-policy: Delete, or the operator's default, removes them — signature
 * first, so a half-deleted prefix is never mistaken for a published model.
 */
public class ArtifactDeletion {

  public static final String POLICY_ANNOTATION = "lathe.dev/artifact-deletion-policy";

  private final OperatorStorage storage;
  private final boolean deleteByDefault;

  public ArtifactDeletion(OperatorStorage storage, boolean deleteByDefault) {
    this.storage = storage;
    this.deleteByDefault = deleteByDefault;
  }

  public boolean deletes(ModelVersion version) {
    String policy =
        Optional.ofNullable(version.getMetadata().getAnnotations())
            .map(a -> a.get(POLICY_ANNOTATION))
            .orElse(deleteByDefault ? "Delete" : "Retain");
    return "Delete".equalsIgnoreCase(policy);
  }

  /** Deletes the files when the policy says so; returns how many objects went. */
  public int apply(ModelVersion version) throws IOException {
    if (!deletes(version)) {
      return 0;
    }
    ArtifactStore store =
        storage.open(
            version.getMetadata().getNamespace(), version.getSpec().getSource().getStorage());
    try {
      List<String> keys = store.list("");
      store.delete(dev.lathe.artifact.storage.ArtifactLayout.SIGNATURE);
      for (String key : keys) {
        store.delete(key);
      }
      return keys.size();
    } finally {
      OperatorStorage.close(store);
    }
  }
}
