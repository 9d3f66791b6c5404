package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several PEM public keys in one text, as the operator hands trusted keys to the pods that verify
 * (one environment variable, LATHE_TRUSTED_KEYS): the trainer's fetch and verify steps and the
 * runtime read it the same way.
 */
public final class PublicKeyBundle {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", Pattern.DOTALL);

  private PublicKeyBundle() {}

  /** The keys, in order; a bundle without any key, or with an unreadable one, is refused. */
  public static List<PublicKey> parse(String pems) {
    List<PublicKey> keys = new ArrayList<>();
    Matcher matcher = PEM.matcher(pems == null ? "" : pems);
    while (matcher.find()) {
      try {
        keys.add(SigningKeys.readPublicKey(matcher.group()));
      } catch (ArtifactException e) {
        throw new ArtifactException(
            "key " + (keys.size() + 1) + " is unreadable: " + e.getMessage());
      }
    }
    if (keys.isEmpty()) {
      throw new ArtifactException("holds no PEM public key (BEGIN PUBLIC KEY)");
    }
    return keys;
  }
}
