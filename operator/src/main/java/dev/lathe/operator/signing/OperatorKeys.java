package dev.lathe.operator.signing;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.operator.WorkloadSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operator's keys (DESIGN.md §4: signing keys never enter a workload pod): the signing key from
 * a Secret in the operator's namespace, and the trust policy — the signing key's public half,
 * trusted everywhere, plus the public keys of a ConfigMap (KEY.pem, optionally scoped by
 * KEY.namespaces = "a,b"). Read on use — the Secret by name, the ConfigMap from its informer — so a
 * rotated key takes effect without a restart.
 */
public class OperatorKeys {

  /** The signing key is missing or unreadable; the message says which Secret and why. */
  public static final class SigningKeyUnavailable extends RuntimeException {
    public SigningKeyUnavailable(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;
  private final WorkloadSettings settings;
  private final Supplier<Optional<ConfigMap>> trustPolicy;

  /**
   * @param trustPolicy the trust policy ConfigMap as last seen, empty when there is none
   */
  public OperatorKeys(
      KubernetesClient client,
      WorkloadSettings settings,
      Supplier<Optional<ConfigMap>> trustPolicy) {
    this.client = client;
    this.settings = settings;
    this.trustPolicy = trustPolicy;
  }

  public KeyPair signingKey() {
    String where = settings.operatorNamespace() + "/" + settings.signingSecret();
    Secret secret =
        client
            .secrets()
            .inNamespace(settings.operatorNamespace())
            .withName(settings.signingSecret())
            .get();
    if (secret == null) {
      throw new SigningKeyUnavailable(
          "the signing key Secret "
              + where
              + " does not exist; create it with `lathe keys generate` and"
              + " `kubectl create secret generic`");
    }
    String pem =
        Optional.ofNullable(secret.getData())
            .map(d -> d.get(WorkloadSettings.SIGNING_KEY_FILE))
            .map(b -> new String(Base64.getDecoder().decode(b), StandardCharsets.US_ASCII))
            .orElseThrow(
                () ->
                    new SigningKeyUnavailable(
                        "the Secret "
                            + where
                            + " has no key "
                            + WorkloadSettings.SIGNING_KEY_FILE));
    try {
      return SigningKeys.readKeyPair(pem);
    } catch (ArtifactException e) {
      throw new SigningKeyUnavailable("the Secret " + where + " holds " + e.getMessage());
    }
  }

  /** The trusted keys: the ConfigMap's, and the signing key's public half when there is one. */
  public TrustPolicy trustPolicy() {
    TrustPolicy policy = new TrustPolicy();
    for (TrustedPem key : trustedPems()) {
      if (key.namespaces().isEmpty()) {
        policy.trust(key.key());
      } else {
        policy.trust(key.key(), key.namespaces());
      }
    }
    return policy;
  }

  /** The PEM public keys trusted in {@code namespace}, concatenated, for pods that verify. */
  public String trustedKeysPem(String namespace) {
    return trustedPems().stream()
        .filter(k -> k.namespaces().isEmpty() || k.namespaces().contains(namespace))
        .map(k -> SigningKeys.publicKeyPem(k.key()))
        .distinct()
        .collect(Collectors.joining());
  }

  private record TrustedPem(PublicKey key, Set<String> namespaces) {}

  private List<TrustedPem> trustedPems() {
    List<TrustedPem> keys = new ArrayList<>();
    try {
      keys.add(new TrustedPem(signingKey().getPublic(), Set.of()));
    } catch (SigningKeyUnavailable e) {
      // Verifying needs no signing key: imported artifacts may be signed by others.
    }
    Map<String, String> data = trustPolicy.get().map(ConfigMap::getData).orElse(Map.of());
    for (Map.Entry<String, String> entry : data.entrySet()) {
      if (!entry.getKey().endsWith(".pem")) {
        continue;
      }
      String base = entry.getKey().substring(0, entry.getKey().length() - 4);
      Set<String> namespaces =
          Optional.ofNullable(data.get(base + ".namespaces"))
              .map(
                  s ->
                      Arrays.stream(s.split(","))
                          .map(String::trim)
                          .filter(n -> !n.isEmpty())
                          .collect(Collectors.toUnmodifiableSet()))
              .orElse(Set.of());
      keys.add(new TrustedPem(SigningKeys.readPublicKey(entry.getValue()), namespaces));
    }
    return keys;
  }
}
