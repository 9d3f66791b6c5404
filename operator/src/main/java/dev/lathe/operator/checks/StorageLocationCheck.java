package dev.lathe.operator.checks;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.ClaimUri;
import dev.lathe.artifact.storage.S3Location;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that a storage location is the namespace's own and can be reached by a pod: its path
 * cannot climb out of its claim or prefix, it names a credentials Secret of the namespace (or the
 * storage policy lets the operator's own credentials serve it), the Secret holds the keys the S3
 * client reads, and its PersistentVolumeClaim exists.
 */
public final class StorageLocationCheck {

  static final List<String> REQUIRED_SECRET_KEYS =
      List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

  private static final String PVC_SCHEME = "pvc://";

  private final ReferenceLookup lookup;

  public StorageLocationCheck(ReferenceLookup lookup) {
    this.lookup = lookup;
  }

  /** Problems with {@code location} at {@code field}; none when it is absent. */
  public List<Problem> check(String namespace, String field, StorageLocation location) {
    if (location == null) {
      return List.of();
    }
    Optional<String> unsafe = unsafePath(location.getUri());
    if (unsafe.isPresent()) {
      return List.of(
          new Problem(
              AcceptanceReasons.UNSAFE_STORAGE_PATH, field + ".uri: " + unsafe.get(), false));
    }
    Optional<String> ambient = lookup.storagePolicy().refusal(namespace, location);
    if (ambient.isPresent()) {
      return List.of(
          Problem.missing(
              AcceptanceReasons.AMBIENT_CREDENTIALS_NOT_ALLOWED,
              field + ".credentialsSecret: " + ambient.get()));
    }
    if (location.getUri() != null && location.getUri().startsWith(PVC_SCHEME)) {
      String claim = ClaimUri.parse(location.getUri()).claim();
      if (!lookup.persistentVolumeClaimExists(namespace, claim)) {
        return List.of(
            Problem.missing(
                AcceptanceReasons.VOLUME_CLAIM_NOT_FOUND,
                field
                    + ".uri: PersistentVolumeClaim "
                    + claim
                    + " not found in namespace "
                    + namespace));
      }
    }
    if (location.getCredentialsSecret() != null) {
      return checkSecret(namespace, field + ".credentialsSecret", location.getCredentialsSecret());
    }
    return List.of();
  }

  private List<Problem> checkSecret(String namespace, String field, String name) {
    Optional<Secret> secret = lookup.secret(namespace, name);
    if (secret.isEmpty()) {
      return List.of(
          Problem.missing(
              AcceptanceReasons.SECRET_NOT_FOUND,
              field + ": Secret " + name + " not found in namespace " + namespace));
    }
    List<String> missingKeys =
        REQUIRED_SECRET_KEYS.stream().filter(k -> !hasKey(secret.get(), k)).toList();
    if (!missingKeys.isEmpty()) {
      return List.of(
          Problem.missing(
              AcceptanceReasons.SECRET_INCOMPLETE,
              field + ": Secret " + name + " lacks the key(s) " + String.join(", ", missingKeys)));
    }
    return List.of();
  }

  static boolean hasKey(Secret secret, String key) {
    return present(secret.getData(), key) || present(secret.getStringData(), key);
  }

  private static boolean present(Map<String, String> map, String key) {
    return map != null && map.get(key) != null;
  }

  /**
   * Why {@code uri} could reach outside its claim or prefix, by the same rule the operator, pods
   * and CLI apply when they open it; the CRD refuses such URIs too, but objects older than that
   * rule (or written around it) reach the operator all the same.
   */
  static Optional<String> unsafePath(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    try {
      if (ClaimUri.is(uri)) {
        ClaimUri.parse(uri);
      } else if (uri.startsWith("s3://")) {
        S3Location.parse(uri, Optional.empty(), null, false);
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.getMessage());
    }
  }
}
