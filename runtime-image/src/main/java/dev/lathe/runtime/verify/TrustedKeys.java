package dev.lathe.runtime.verify;

import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.verify.TrustPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The trust policy from a mounted directory of PEM public keys (a ConfigMap or Secret): every
 * regular file in it is a trusted key. An empty or missing directory is an error, never "trust
 * nothing and serve anyway" or "trust everything".
 */
public final class TrustedKeys {

  private TrustedKeys() {}

  public static TrustPolicy fromDirectory(Path directory) {
    if (directory == null || !Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "trusted keys directory " + directory + " does not exist: nothing could be verified");
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + directory + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "trusted keys directory " + directory + " holds no public key");
    }
    TrustPolicy policy = new TrustPolicy();
    for (Path file : files) {
      try {
        policy.trust(SigningKeys.readPublicKey(Files.readString(file)));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "trusted key " + file + " is not a PEM public key: " + e.getMessage(), e);
      }
    }
    return policy;
  }

  /** The trust policy from PEM public keys concatenated in one text (LATHE_TRUSTED_KEYS). */
  public static TrustPolicy fromBundle(String pems) {
    TrustPolicy policy = new TrustPolicy();
    try {
      dev.lathe.artifact.signing.PublicKeyBundle.parse(pems).forEach(policy::trust);
    } catch (dev.lathe.artifact.ArtifactException e) {
      throw new IllegalArgumentException("LATHE_TRUSTED_KEYS " + e.getMessage(), e);
    }
    return policy;
  }
}
