package dev.lathe.cli;

import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.verify.TrustPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The public keys a verification trusts. */
final class TrustOptions {

  @Option(
      names = {"--public-key", "-k"},
      required = true,
      paramLabel = "PEM",
      description = "A trusted public key (PEM). Repeat for several.")
  List<Path> publicKeys;

  @Option(
      names = "--namespace",
      description = "Verify as for this Kubernetes namespace (keys may be scoped to namespaces).")
  String namespace;

  TrustPolicy policy() throws IOException {
    TrustPolicy policy = new TrustPolicy();
    for (Path key : publicKeys) {
      policy.trust(SigningKeys.readPublicKey(Files.readString(key)));
    }
    return policy;
  }
}
