package dev.lathe.operator.modelversion;

import static dev.lathe.api.v1alpha1.ModelVersionStatus.ACCEPTED;
import static dev.lathe.api.v1alpha1.ModelVersionStatus.VERIFIED;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.StatusConditions;
import dev.lathe.operator.storage.OperatorStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What happens to a ModelVersion's files when it is deleted. By default they stay (auditors keep
 * the evidence, and another version may be an import of the same files); the annotation
 * lathe.dev/artifact-deletion-policy: Delete, or the operator's default, removes them.
 *
 * <p>Deleting is the one irreversible thing the operator does to storage on a tenant's word, so it
 * deletes only what is provably that ModelVersion's own: the location must have been accepted for
 * the current spec and verified in the version's namespace, no other ModelVersion (in any
 * namespace) may name it, and what goes is exactly what a signature trusted in that namespace lists
 * for the digest status recorded — the signed files, the signature, Lathe's own {@code lathe/}
 * files — signature first, so a half-deleted prefix is never mistaken for a published model.
 * Anything else under the location stays. When any of that does not hold, the files stay and the
 * Event says why.
 */
public class ArtifactDeletion {

  public static final String POLICY_ANNOTATION = "lathe.dev/artifact-deletion-policy";

  /** What the decision was: delete, or keep with the reason (empty when the policy retains). */
  public record Decision(boolean delete, Optional<String> keptBecause) {
    static Decision retain() {
      return new Decision(false, Optional.empty());
    }

    static Decision keep(String why) {
      return new Decision(false, Optional.of(why));
    }

    static Decision proceed() {
      return new Decision(true, Optional.empty());
    }
  }

  /** What was deleted, and how many objects under the location were left alone. */
  public record Outcome(List<String> deleted, int leftAlone) {}

  private final OperatorStorage storage;
  private final OperatorKeys keys;
  private final boolean deleteByDefault;

  public ArtifactDeletion(OperatorStorage storage, OperatorKeys keys, boolean deleteByDefault) {
    this.storage = storage;
    this.keys = keys;
    this.deleteByDefault = deleteByDefault;
  }

  public boolean deletes(ModelVersion version) {
    String policy =
        Optional.ofNullable(version.getMetadata().getAnnotations())
            .map(a -> a.get(POLICY_ANNOTATION))
            .orElse(deleteByDefault ? "Delete" : "Retain");
    return "Delete".equalsIgnoreCase(policy);
  }

  /**
   * Whether {@code version}'s files may go, from its own status and the other ModelVersions the
   * operator knows of. Pure.
   */
  public Decision decide(ModelVersion version, Collection<ModelVersion> others) {
    if (!deletes(version)) {
      return Decision.retain();
    }
    var status = version.getStatus();
    var conditions = status == null ? List.<Condition>of() : status.getConditions();
    // No generation check: a ModelVersion's spec is immutable, and the API server bumps a custom
    // resource's generation when it sets deletionTimestamp, so the last verdict is the spec's.
    boolean accepted =
        StatusConditions.find(conditions, ACCEPTED)
            .filter(c -> Condition.TRUE.equals(c.getStatus()))
            .isPresent();
    if (!accepted) {
      return Decision.keep(
          "its spec was never accepted, so its location is not known to be its own");
    }
    boolean verified =
        StatusConditions.find(conditions, VERIFIED)
                .filter(c -> Condition.TRUE.equals(c.getStatus()))
                .isPresent()
            && status.getArtifact() != null
            && status.getArtifact().getManifestDigest() != null;
    if (!verified) {
      return Decision.keep("it was never verified, so nothing there is known to be its own");
    }
    StorageLocation mine = version.getSpec().getSource().getStorage();
    for (ModelVersion other : others) {
      if (Objects.equals(other.getMetadata().getUid(), version.getMetadata().getUid())
          || other.getSpec() == null
          || other.getSpec().getSource() == null) {
        continue;
      }
      if (sameLocation(
          version.getMetadata().getNamespace(),
          mine,
          other.getMetadata().getNamespace(),
          other.getSpec().getSource().getStorage())) {
        return Decision.keep(
            "ModelVersion "
                + other.getMetadata().getNamespace()
                + "/"
                + other.getMetadata().getName()
                + " names the same location");
      }
    }
    return Decision.proceed();
  }

  /**
   * Deletes what {@code version}'s verified signature lists, after {@link #decide} said so.
   *
   * @throws ArtifactNotOwned when the location no longer holds the signed artifact status recorded
   * @throws IOException when the store cannot be read or written (the caller retries)
   */
  public Outcome delete(ModelVersion version) throws IOException {
    String namespace = version.getMetadata().getNamespace();
    StorageLocation location = version.getSpec().getSource().getStorage();
    String expected = version.getStatus().getArtifact().getManifestDigest();
    ArtifactStore store = storage.open(namespace, location);
    try {
      byte[] bundle =
          store
              .read(ArtifactLayout.SIGNATURE)
              .orElseThrow(
                  () ->
                      new ArtifactNotOwned(
                          "no " + ArtifactLayout.SIGNATURE + " at " + location.getUri()));
      ArtifactVerifier.Signed signed;
      try {
        signed =
            new ArtifactVerifier(keys.trustPolicy(), 1)
                .verifySignature(bundle, namespace, location.getUri());
      } catch (RuntimeException e) {
        throw new ArtifactNotOwned("its signature no longer verifies: " + e.getMessage());
      }
      if (!signed.manifestDigest().equals(expected)) {
        throw new ArtifactNotOwned(
            "it holds " + signed.manifestDigest() + " now, not the verified " + expected);
      }
      Set<String> owned = new LinkedHashSet<>();
      owned.add(ArtifactLayout.SIGNATURE);
      owned.addAll(signed.claim().files());
      List<String> present = store.list("");
      present.stream()
          .filter(k -> k.startsWith(ArtifactLayout.LATHE_DIRECTORY + "/"))
          .forEach(owned::add);
      List<String> deleted = new ArrayList<>();
      for (String key : owned) {
        if (key.equals(ArtifactLayout.SIGNATURE) || present.contains(key)) {
          store.delete(key);
          deleted.add(key);
        }
      }
      int leftAlone = (int) present.stream().filter(k -> !owned.contains(k)).count();
      return new Outcome(deleted, leftAlone);
    } finally {
      OperatorStorage.close(store);
    }
  }

  /** The location does not (or no longer) hold the artifact this ModelVersion verified. */
  public static final class ArtifactNotOwned extends RuntimeException {
    public ArtifactNotOwned(String message) {
      super(message);
    }
  }

  private static boolean sameLocation(
      String namespaceA, StorageLocation a, String namespaceB, StorageLocation b) {
    if (a == null || b == null || a.getUri() == null || b.getUri() == null) {
      return false;
    }
    if (a.getUri().startsWith("pvc://") && !Objects.equals(namespaceA, namespaceB)) {
      return false;
    }
    String left = a.getUri().replaceAll("/+$", "");
    String right = b.getUri().replaceAll("/+$", "");
    // A claim belongs to one namespace, so only S3 locations are shared across namespaces;
    // nested locations share files too.
    boolean overlap =
        left.equals(right) || left.startsWith(right + "/") || right.startsWith(left + "/");
    return overlap
        && Objects.equals(
            Optional.ofNullable(a.getEndpoint()).orElse(""),
            Optional.ofNullable(b.getEndpoint()).orElse(""));
  }
}
