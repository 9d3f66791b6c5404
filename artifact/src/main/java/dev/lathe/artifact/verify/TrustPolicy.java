package dev.lathe.artifact.verify;

import dev.lathe.artifact.signing.SigningKeys;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys whose signatures are trusted, each for every namespace or only for some, so a
 * team's key cannot vouch for another team's models.
 */
public final class TrustPolicy {

  /** A trusted key; an empty namespace set means every namespace. */
  public record TrustedKey(String keyId, PublicKey key, Set<String> namespaces) {
    public boolean trustedIn(String namespace) {
      return namespaces.isEmpty() || namespaces.contains(namespace);
    }
  }

  private final List<TrustedKey> keys = new ArrayList<>();

  public TrustPolicy trust(PublicKey key) {
    return trust(key, Set.of());
  }

  public TrustPolicy trust(PublicKey key, Set<String> namespaces) {
    keys.add(new TrustedKey(SigningKeys.keyId(key), key, Set.copyOf(namespaces)));
    return this;
  }

  public List<TrustedKey> keys() {
    return List.copyOf(keys);
  }

  /** The key with this id, if it is trusted in the namespace (null: no namespace scoping). */
  public Optional<TrustedKey> find(String keyId, String namespace) {
    return keys.stream()
        .filter(k -> k.keyId().equals(keyId))
        .filter(k -> namespace == null || k.trustedIn(namespace))
        .findFirst();
  }

  public boolean knows(String keyId) {
    return keys.stream().anyMatch(k -> k.keyId().equals(keyId));
  }
}
