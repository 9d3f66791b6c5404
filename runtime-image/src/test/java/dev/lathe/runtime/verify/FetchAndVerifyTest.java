package dev.lathe.runtime.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.runtime.TamperedBytes;
import dev.lathe.runtime.model.ServedBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init step hashes every file of the served base but its weights, which serve hashes on the
 * bytes it loads: each weight byte is hashed once per pod, and a tampered one is still refused
 * before anything is served.
 */
class FetchAndVerifyTest {

  @TempDir Path work;
  private Path stored;
  private FetchAndVerify fetchAndVerify;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void publishTheTinyBaseSigned() throws IOException {
    KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Path base = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    new ArtifactPublisher(new FilesystemStore(work.resolve("store")))
        .publish(base, "tiny-base", "tiny-base", ModelHasher.files(), key, Optional.empty());
    stored = work.resolve("store/tiny-base");
    fetchAndVerify =
        new FetchAndVerify(
            new StoreLocations(Optional.empty(), "us-east-1", true, work.resolve("no-secret")),
            new LocalModelVerifier(new TrustPolicy().trust(key.getPublic()), null),
            new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  @Test
  void theServedBasesWeightsAreLeftToServesLoadAndSaidSo() {
    FetchAndVerify.Result result =
        fetchAndVerify.run(stored.toString(), Map.of(), work.resolve("models"));

    assertThat(result.servedBase().weightsToHash()).containsOnlyKeys(Checkpoint.SINGLE_FILE);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("serve hashes " + Checkpoint.SINGLE_FILE + " as it loads them");
    try (ServedBase loaded = ServedBase.load("tiny-base", result.servedBase())) {
      assertThat(loaded.weights().parameters()).isNotEmpty();
    }
  }

  @Test
  void aTamperedWeightFilePassesTheInitStepAndIsRefusedByTheLoadNamingIt() throws IOException {
    TamperedBytes.flipAByte(stored.resolve(Checkpoint.SINGLE_FILE));

    FetchAndVerify.Result result =
        fetchAndVerify.run(stored.toString(), Map.of(), work.resolve("models"));

    assertThatThrownBy(() -> ServedBase.load("tiny-base", result.servedBase()))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(VerificationException.Failure.DIGEST_MISMATCH);
              assertThat(e.subject()).isEqualTo(Checkpoint.SINGLE_FILE);
            });
  }

  @Test
  void everyOtherTamperedFileIsRefusedByTheInitStepNamingIt() throws IOException {
    TamperedBytes.flipAByte(stored.resolve("tokenizer.json"));

    assertThatThrownBy(
            () -> fetchAndVerify.run(stored.toString(), Map.of(), work.resolve("models")))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(VerificationException.Failure.DIGEST_MISMATCH);
              assertThat(e.subject()).isEqualTo("tokenizer.json");
            });
  }
}
