package dev.lathe.operator.checks;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that a storage location can be reached by a pod: its credentials Secret exists and holds
 * the keys the S3 client reads, and its PersistentVolumeClaim exists.
 */
public final class StorageLocationCheck {

  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_INCOMPLETE = "SecretIncomplete";
  public static final String VOLUME_CLAIM_NOT_FOUND = "VolumeClaimNotFound";

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
    if (location.getUri() != null && location.getUri().startsWith(PVC_SCHEME)) {
      String claim = claimName(location.getUri());
      if (!lookup.persistentVolumeClaimExists(namespace, claim)) {
        return List.of(
            Problem.missing(
                VOLUME_CLAIM_NOT_FOUND,
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
              SECRET_NOT_FOUND,
              field + ": Secret " + name + " not found in namespace " + namespace));
    }
    List<String> missingKeys =
        REQUIRED_SECRET_KEYS.stream().filter(k -> !hasKey(secret.get(), k)).toList();
    if (!missingKeys.isEmpty()) {
      return List.of(
          Problem.missing(
              SECRET_INCOMPLETE,
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

  /** The claim in pvc://CLAIM/PATH. */
  static String claimName(String uri) {
    String rest = uri.substring(PVC_SCHEME.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
