package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.signing.PublicKeyBundle;
import dev.lathe.artifact.verify.TrustPolicy;
import java.util.Map;
import java.util.Set;

/**
 * The public keys a pod trusts, from LATHE_TRUSTED_KEYS: one or more PEM public keys, concatenated.
 * The operator has already chosen the keys for the plan's namespace, so each is trusted there.
 */
final class TrustedKeys {

  private TrustedKeys() {}

  static TrustPolicy forNamespace(Map<String, String> env, String namespace) {
    String pems = env.get(TrainerContract.TRUSTED_KEYS);
    if (pems == null || pems.isBlank()) {
      throw new TrainerContract.ContractException(
          TrainerContract.TRUSTED_KEYS + " is not set: no key to verify with");
    }
    TrustPolicy policy = new TrustPolicy();
    try {
      PublicKeyBundle.parse(pems).forEach(key -> policy.trust(key, Set.of(namespace)));
    } catch (ArtifactException e) {
      throw new TrainerContract.ContractException(
          TrainerContract.TRUSTED_KEYS + " " + e.getMessage());
    }
    return policy;
  }
}
