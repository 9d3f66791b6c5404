package dev.lathe.runtime;

import dev.lathe.artifact.contract.RuntimeEnvironment;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.TrustedKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The trust policy flags fetch-and-verify and serve share. */
final class TrustOptions {

  @Option(
      names = "--trusted-keys-dir",
      defaultValue = "${env:" + RuntimeEnvironment.TRUSTED_KEYS_DIR + ":-/etc/lathe/trusted-keys}",
      description =
          "Directory of trusted PEM public keys (env " + RuntimeEnvironment.TRUSTED_KEYS_DIR + ").")
  Path trustedKeys;

  @Option(
      names = "--trusted-keys",
      defaultValue = "${env:" + RuntimeEnvironment.TRUSTED_KEYS + "}",
      description =
          "Trusted PEM public keys, concatenated, as the operator hands them to pods (env"
              + " "
              + RuntimeEnvironment.TRUSTED_KEYS
              + "); when set, used instead of --trusted-keys-dir.")
  String trustedKeysPem;

  @Option(
      names = "--namespace",
      defaultValue = "${env:" + RuntimeEnvironment.NAMESPACE + "}",
      description =
          "Namespace the trust policy is applied for (env " + RuntimeEnvironment.NAMESPACE + ").")
  String namespace;

  LocalModelVerifier verifier() {
    return new LocalModelVerifier(
        trustedKeysPem != null && !trustedKeysPem.isBlank()
            ? TrustedKeys.fromBundle(trustedKeysPem)
            : TrustedKeys.fromDirectory(trustedKeys),
        namespace);
  }
}
