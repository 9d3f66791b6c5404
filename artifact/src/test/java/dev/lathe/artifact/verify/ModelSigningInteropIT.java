package dev.lathe.artifact.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.artifact.Golden;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OpenSSF's own model_signing tool (PyPI model-signing 1.1.1) verifies what Lathe signs, through
 * its Python API and through its CLI, and refuses it once a byte changes.
 */
class ModelSigningInteropIT {

  private static final Path RUN_INTEROP = Path.of("interop", "run-interop.sh").toAbsolutePath();

  private record Outcome(int exitCode, String output) {}

  private static Outcome modelSigningVerify(
      Path model, Path signature, Path publicKey, String... extra)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                RUN_INTEROP.toString(),
                model.toString(),
                signature.toString(),
                publicKey.toString()));
    command.addAll(List.of(extra));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("model_signing finished").isTrue();
    return new Outcome(process.exitValue(), output);
  }

  private static Path publishGoldenModel(Path storeRoot, KeyPair key) throws IOException {
    ArtifactPublisher publisher = new ArtifactPublisher(new FilesystemStore(storeRoot));
    publisher.publish(
        Golden.MODEL, "golden", "golden/v1", ModelHasher.files(), key, Optional.empty());
    return storeRoot.resolve("golden/v1");
  }

  private static Path writePublicKey(Path dir, KeyPair key) throws IOException {
    return Files.writeString(
        dir.resolve("public-key.pem"), SigningKeys.publicKeyPem(key.getPublic()));
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyAlgorithm.class,
      names = {"ECDSA_P256", "ECDSA_P384"})
  void modelSigningVerifiesALatheSignatureInThePublishedLayout(
      KeyAlgorithm algorithm, @TempDir Path dir) throws Exception {
    KeyPair key = SigningKeys.generate(algorithm);
    Path artifact = publishGoldenModel(dir.resolve("store"), key);
    Path publicKey = writePublicKey(dir, key);

    Outcome api = modelSigningVerify(artifact, artifact.resolve("model.sig"), publicKey);
    Outcome cli = modelSigningVerify(artifact, artifact.resolve("model.sig"), publicKey, "--cli");

    assertThat(api.exitCode()).as(api.output()).isZero();
    assertThat(cli.exitCode()).as(cli.output()).isZero();
    assertThat(cli.output()).contains("Verification succeeded");
  }

  @Test
  void modelSigningRefusesALatheSignatureOnceAByteChanges(@TempDir Path dir) throws Exception {
    KeyPair key = SigningKeys.readKeyPair(Golden.read("private-key.pem"));
    Path artifact = publishGoldenModel(dir.resolve("store"), key);
    byte[] weights = Files.readAllBytes(artifact.resolve("model.safetensors"));
    weights[100] ^= 1;
    Files.write(artifact.resolve("model.safetensors"), weights);

    Outcome outcome =
        modelSigningVerify(
            artifact, artifact.resolve("model.sig"), Golden.DIR.resolve("public-key.pem"));

    assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(1);
    assertThat(outcome.output()).contains("model.safetensors");
  }
}
