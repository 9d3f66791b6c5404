package dev.lathe.cli;

import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lathe keys}: signing keys. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Generate signing keys and show key ids.",
    subcommands = {KeysCommand.Generate.class, KeysCommand.Id.class})
final class KeysCommand {

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Generate a key pair as PEM files; prints the key id.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--algorithm",
        defaultValue = "ecdsa-p256-sha256",
        description =
            "ecdsa-p256-sha256 (default; OpenSSF model-signing verifies it), ecdsa-p384-sha384, ml-dsa-65 (post-quantum), ed25519.")
    String algorithm;

    @Option(
        names = "--private-key",
        required = true,
        description = "Where to write the private key (PKCS#8 PEM, mode 600).")
    Path privateKey;

    @Option(
        names = "--public-key",
        required = true,
        description = "Where to write the public key (PEM).")
    Path publicKey;

    @Override
    public Integer call() throws Exception {
      KeyPair key = SigningKeys.generate(KeyAlgorithm.fromId(algorithm));
      Files.writeString(privateKey, SigningKeys.privateKeyPem(key.getPrivate()));
      try {
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // A file system without POSIX permissions keeps its own defaults.
      }
      Files.writeString(publicKey, SigningKeys.publicKeyPem(key.getPublic()));
      spec.commandLine().getOut().println(SigningKeys.keyId(key.getPublic()));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "id",
      mixinStandardHelpOptions = true,
      description = "Print the key id of a public key (the model-signing hint).")
  static final class Id implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PEM", description = "A public key PEM file.")
    Path publicKey;

    @Override
    public Integer call() throws Exception {
      spec.commandLine()
          .getOut()
          .println(SigningKeys.keyId(SigningKeys.readPublicKey(Files.readString(publicKey))));
      return ExitCodes.OK;
    }
  }
}
