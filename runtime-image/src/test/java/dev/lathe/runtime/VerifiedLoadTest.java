package dev.lathe.runtime;

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
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve hashes the base's weights on the bytes it loads: one read, and what is loaded is what was
 * hashed, even when a weight file changes after the rest of the model verified.
 */
class VerifiedLoadTest {

  @TempDir Path work;
  private Path model;
  private LocalModelVerifier verifier;

  @BeforeEach
  void publishTheTinyBaseSigned() throws IOException {
    KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Path base = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    new ArtifactPublisher(new FilesystemStore(work))
        .publish(base, "tiny-base", "tiny-base", ModelHasher.files(), key, Optional.empty());
    model = work.resolve("tiny-base");
    verifier = new LocalModelVerifier(new TrustPolicy().trust(key.getPublic()), null);
  }

  @Test
  void theWeightsAreLeftToTheLoadWhichChecksTheirSignedDigest() {
    VerifiedModel verified = verifier.verifyAllButWeights(model);

    assertThat(verified.weightsToHash()).containsOnlyKeys(Checkpoint.SINGLE_FILE);
    try (ServedBase loaded = ServedBase.load("tiny-base", verified)) {
      assertThat(loaded.weights().parameters()).isNotEmpty();
    }
  }

  @Test
  void aWeightFileChangedAfterVerificationIsRefusedByTheLoadAndNothingIsKept() throws IOException {
    VerifiedModel verified = verifier.verifyAllButWeights(model);
    TamperedBytes.flipAByte(model.resolve(Checkpoint.SINGLE_FILE));

    assertThatThrownBy(() -> ServedBase.load("tiny-base", verified))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(VerificationException.Failure.DIGEST_MISMATCH);
              assertThat(e.subject()).isEqualTo(Checkpoint.SINGLE_FILE);
            })
        .hasMessageContaining("hashed as it was loaded");
  }

  @Test
  void theLoadedWeightsEqualThoseOfAModelHashedWholeBeforeItWasMapped() {
    VerifiedModel deferred = verifier.verifyAllButWeights(model);
    VerifiedModel whole = verifier.verify(model);

    assertThat(whole.weightsToHash()).isEmpty();
    try (ServedBase streamed = ServedBase.load("a", deferred);
        ServedBase mapped = ServedBase.load("b", whole)) {
      for (String name : java.util.List.of("model.embed_tokens.weight", "model.norm.weight")) {
        assertThat(streamed.weights().get(name).toFloatArray())
            .as(name)
            .containsExactly(mapped.weights().get(name).toFloatArray());
      }
    }
  }

  @Test
  void everyOtherFileIsStillHashedBeforeTheLoad() throws IOException {
    TamperedBytes.flipAByte(model.resolve("tokenizer.json"));

    assertThatThrownBy(() -> verifier.verifyAllButWeights(model))
        .isInstanceOfSatisfying(
            VerificationException.class, e -> assertThat(e.subject()).isEqualTo("tokenizer.json"));
  }
}
