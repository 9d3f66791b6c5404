package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.verify.TrustPolicy;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys a pod trusts, from LATHE_TRUSTED_KEYS: one or more PEM public keys, concatenated.
 * The operator has already chosen the keys for the plan's namespace, so each is trusted there.
 */
final class TrustedKeys {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", Pattern.DOTALL);

  private TrustedKeys() {}

  static TrustPolicy forNamespace(Map<String, String> env, String namespace) {
    String pems = env.get(TrainerContract.TRUSTED_KEYS);
    if (pems == null || pems.isBlank()) {
      throw new TrainerContract.ContractException(
          TrainerContract.TRUSTED_KEYS + " is not set: no key to verify with");
    }
    TrustPolicy policy = new TrustPolicy();
    Matcher matcher = PEM.matcher(pems);
    int count = 0;
    while (matcher.find()) {
      count++;
      try {
        policy.trust(SigningKeys.readPublicKey(matcher.group()), Set.of(namespace));
      } catch (ArtifactException e) {
        throw new TrainerContract.ContractException(
            TrainerContract.TRUSTED_KEYS + ": key " + count + " is unreadable: " + e.getMessage());
      }
    }
    if (count == 0) {
      throw new TrainerContract.ContractException(
          TrainerContract.TRUSTED_KEYS + " holds no PEM public key (BEGIN PUBLIC KEY)");
    }
    return policy;
  }
}
