package dev.lathe.artifact.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.Golden;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.LocalModelDirectory;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.verify.VerificationException.Failure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sign, store on a file system, verify; and every tamper case fails with its own failure naming the
 * file or key. The S3 backend runs the same story in S3StoreTest.
 */
class PublishAndVerifyTest {

  private static final KeyPair OPERATOR_KEY = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);

  @TempDir Path storeRoot;
  @TempDir Path work;

  private ArtifactStore store;
  private ArtifactPublisher publisher;
  private ArtifactVerifier verifier;

  @BeforeEach
  void setUp() {
    store = new FilesystemStore(storeRoot);
    publisher = new ArtifactPublisher(store);
    verifier =
        new ArtifactVerifier(
            new TrustPolicy().trust(OPERATOR_KEY.getPublic(), Set.of("ml-platform")), 2);
  }

  private Path model(String name, String weights) throws IOException {
    Path dir = work.resolve(name);
    Files.createDirectories(dir.resolve("tokenizer"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(dir.resolve("tokenizer/tokenizer.json"), "{\"version\": \"1.0\"}");
    Files.writeString(dir.resolve("model.safetensors"), weights);
    return dir;
  }

  private Provenance provenance(String modelDigest) {
    return new Provenance(
        "support-bot",
        modelDigest.substring("sha256:".length()),
        "https://lathe.dev/operator@0.1.0",
        new Provenance.JobReference("ml-platform", "support-bot-v3", "0b7c7a52-1111", 1),
        "sha256:" + "ab".repeat(32),
        null,
        List.of(
            new Provenance.Dependency(
                Provenance.BASE_MODEL, "s3://models/base/llama", "cd".repeat(32)),
            new Provenance.Dependency(
                Provenance.DATASET, "s3://datasets/train.jsonl", "ef".repeat(32))),
        Instant.parse("2026-11-25T10:00:00Z"),
        Instant.parse("2026-11-25T11:00:00Z"));
  }

  private ArtifactPublisher.Published publish(String prefix, Path model) throws IOException {
    var manifest = publisher.upload(model, "support-bot", prefix, ModelHasher.files());
    return publisher.sign(prefix, OPERATOR_KEY, Optional.of(provenance(manifest.digestString())));
  }

  private VerificationException failure(String prefix) {
    try {
      verifier.verify(store, prefix, "ml-platform");
    } catch (VerificationException e) {
      return e;
    }
    throw new AssertionError("verification of " + prefix + " passed");
  }

  @Test
  void publishedArtifactVerifiesWithItsLineage() throws IOException {
    ArtifactPublisher.Published published = publish("support-bot/v3", model("m", "weights"));

    ArtifactVerifier.Verified verified = verifier.verify(store, "support-bot/v3", "ml-platform");

    assertThat(verified.manifestDigest()).isEqualTo(published.manifestDigest());
    assertThat(verified.keyId()).isEqualTo(SigningKeys.keyId(OPERATOR_KEY.getPublic()));
    assertThat(verified.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
    assertThat(verified.claim().digestsByName())
        .containsOnlyKeys("config.json", "model.safetensors", "tokenizer/tokenizer.json");
    assertThat(verified.provenance())
        .hasValueSatisfying(
            p -> {
              assertThat(p.parents()).containsExactly("cd".repeat(32));
              assertThat(p.fineTuneJob().uid()).isEqualTo("0b7c7a52-1111");
              assertThat(p.dependency(Provenance.DATASET))
                  .hasValueSatisfying(d -> assertThat(d.sha256()).isEqualTo("ef".repeat(32)));
            });
  }

  @Test
  void publishingTheSameContentAgainIsANoOpAndOtherContentIsRefused() throws IOException {
    Path model = model("m", "weights");
    publish("v3", model);
    byte[] signature = store.read("v3/model.sig").orElseThrow();

    ArtifactPublisher.Published again = publish("v3", model);

    assertThat(again.alreadyPublished()).isTrue();
    assertThat(store.read("v3/model.sig")).hasValue(signature);
    assertThatThrownBy(() -> publish("v3", model("other", "other weights")))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("already holds a published model")
        .hasMessageContaining("immutable");
  }

  @Test
  void uploadWithoutSignatureIsNeverTakenForAPublishedArtifact() throws IOException {
    publisher.upload(model("m", "weights"), "support-bot", "half", ModelHasher.files());

    VerificationException e = failure("half");

    assertThat(e.failure()).isEqualTo(Failure.UNSIGNED);
    assertThat(e.getMessage()).contains("not a published artifact");
  }

  @ParameterizedTest(name = "model.sig cut to {0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 40, 200})
  void truncatedSignatureIsAMalformedStatementVerdictNamingTheFileNeverAStorageError(int keep)
      throws IOException {
    publish("v3", model("m", "weights"));
    Path signature = storeRoot.resolve("v3/model.sig");
    byte[] whole = Files.readAllBytes(signature);
    Files.write(signature, java.util.Arrays.copyOf(whole, Math.min(keep, whole.length / 2)));

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.MALFORMED_STATEMENT);
    assertThat(e.subject()).isEqualTo("model.sig");
    assertThat(e.getMessage()).startsWith("model.sig: ");
    assertThat(e.getCause()).isNull();
  }

  @Test
  void truncatedProvenanceIsAMalformedStatementVerdictNamingTheFile() throws IOException {
    publish("v3", model("m", "weights"));
    Path provenance = storeRoot.resolve("v3/lathe/provenance.sig");
    byte[] whole = Files.readAllBytes(provenance);
    Files.write(provenance, java.util.Arrays.copyOf(whole, whole.length / 2));

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.MALFORMED_STATEMENT);
    assertThat(e.subject()).isEqualTo("lathe/provenance.sig");
  }

  @Test
  void flippedByteFailsNamingTheFile() throws IOException {
    publish("v3", model("m", "weights"));
    Files.writeString(storeRoot.resolve("v3/model.safetensors"), "weightz");

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.DIGEST_MISMATCH);
    assertThat(e.subject()).isEqualTo("model.safetensors");
  }

  private ArtifactVerifier.Verified verifyDeferringWeights(String prefix) throws IOException {
    Path dir = storeRoot.resolve(prefix);
    return verifier.verify(
        new LocalModelDirectory(dir),
        Files.readAllBytes(dir.resolve(ArtifactLayout.SIGNATURE)),
        Optional.empty(),
        "ml-platform",
        name -> name.endsWith(".safetensors"));
  }

  @Test
  void aDeferredFileIsNotHashedAndItsSignedDigestIsHandedToItsReader() throws IOException {
    publish("v3", model("m", "weights"));
    String signed = verifyDeferringWeights("v3").claim().digestsByName().get("model.safetensors");
    Files.writeString(storeRoot.resolve("v3/model.safetensors"), "weightz");

    ArtifactVerifier.Verified verified = verifyDeferringWeights("v3");

    assertThat(verified.deferredDigests()).containsExactly(Map.entry("model.safetensors", signed));
  }

  @Test
  void deferringWeightsStillChecksEveryOtherFileAndRefusesUnsignedOnes() throws IOException {
    publish("v3", model("m", "weights"));
    Files.writeString(storeRoot.resolve("v3/tokenizer/added.safetensors"), "unsigned");

    assertThatThrownBy(() -> verifyDeferringWeights("v3"))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.UNEXPECTED_FILE);
              assertThat(e.subject()).isEqualTo("tokenizer/added.safetensors");
            });
    Files.delete(storeRoot.resolve("v3/tokenizer/added.safetensors"));
    Files.writeString(storeRoot.resolve("v3/config.json"), "{}");
    assertThatThrownBy(() -> verifyDeferringWeights("v3"))
        .isInstanceOfSatisfying(
            VerificationException.class, e -> assertThat(e.subject()).isEqualTo("config.json"));
  }

  @Test
  void aShardedManifestDefersNothing() throws IOException {
    Path dir = model("m", "weights");
    var manifest = publisher.upload(dir, "support-bot", "v4", ModelHasher.shards(4));
    publisher.sign("v4", OPERATOR_KEY, Optional.of(provenance(manifest.digestString())));

    assertThat(verifyDeferringWeights("v4").deferredDigests()).isEmpty();
  }

  @Test
  void addedFileFailsNamingTheFile() throws IOException {
    publish("v3", model("m", "weights"));
    Files.writeString(storeRoot.resolve("v3/tokenizer/added_tokens.json"), "[]");

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.UNEXPECTED_FILE);
    assertThat(e.subject()).isEqualTo("tokenizer/added_tokens.json");
  }

  @Test
  void removedFileFailsNamingTheFile() throws IOException {
    publish("v3", model("m", "weights"));
    Files.delete(storeRoot.resolve("v3/config.json"));

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.MISSING_FILE);
    assertThat(e.subject()).isEqualTo("config.json");
  }

  @Test
  void renamedFileFailsNamingTheSignedName() throws IOException {
    publish("v3", model("m", "weights"));
    Files.move(
        storeRoot.resolve("v3/model.safetensors"), storeRoot.resolve("v3/model-00001.safetensors"));

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.MISSING_FILE);
    assertThat(e.subject()).isEqualTo("model.safetensors");
  }

  @Test
  void signatureFromAnotherKeyFailsNamingTheKey() throws IOException {
    KeyPair stranger = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    var manifest =
        publisher.upload(model("m", "weights"), "support-bot", "v3", ModelHasher.files());
    publisher.sign("v3", stranger, Optional.of(provenance(manifest.digestString())));

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.UNTRUSTED_KEY);
    assertThat(e.subject()).isEqualTo(SigningKeys.keyId(stranger.getPublic()));
  }

  @Test
  void trustedKeyOfAnotherNamespaceIsRefused() throws IOException {
    publish("v3", model("m", "weights"));

    assertThatThrownBy(() -> verifier.verify(store, "v3", "team-b"))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.UNTRUSTED_KEY);
              assertThat(e.getMessage()).contains("not for namespace team-b");
            });
  }

  @Test
  void forgedSignatureUnderATrustedKeyIdFails() throws IOException {
    publish("v3", model("m", "weights"));
    String bundle = new String(store.read("v3/model.sig").orElseThrow());
    String forged =
        bundle.replaceFirst(
            "\"sig\":\"[A-Za-z0-9+/=]+\"",
            "\"sig\":\"MEUCIQDvbG9va2luZ2F0bWVkb25keW91AiBmb3JnZWRmb3JnZWRmb3JnZWRmb3JnZWRmb3Jn\"");
    store.write("v3/model.sig", forged.getBytes());

    VerificationException e = failure("v3");

    assertThat(e.failure()).isEqualTo(Failure.BAD_SIGNATURE);
    assertThat(e.subject()).isEqualTo(SigningKeys.keyId(OPERATOR_KEY.getPublic()));
  }

  @Test
  void statementReplayedFromAnotherArtifactFails() throws IOException {
    publish("a", model("a", "weights of a"));
    publish("b", model("b", "weights of b"));
    store.write("b/model.sig", store.read("a/model.sig").orElseThrow());

    VerificationException e = failure("b");

    assertThat(e.failure()).isEqualTo(Failure.DIGEST_MISMATCH);
    assertThat(e.subject()).isEqualTo("model.safetensors");
  }

  @Test
  void provenanceReplayedFromAnotherArtifactFails() throws IOException {
    publish("a", model("a", "weights of a"));
    publish("b", model("b", "weights of b"));
    store.write(
        "b/" + ArtifactLayout.PROVENANCE,
        store.read("a/" + ArtifactLayout.PROVENANCE).orElseThrow());

    VerificationException e = failure("b");

    assertThat(e.failure()).isEqualTo(Failure.PROVENANCE_MISMATCH);
    assertThat(e.subject()).isEqualTo(ArtifactLayout.PROVENANCE);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void everyKeyAlgorithmSignsAndVerifiesThroughPem(KeyAlgorithm algorithm) throws IOException {
    KeyPair generated = SigningKeys.generate(algorithm);
    KeyPair key = SigningKeys.readKeyPair(SigningKeys.privateKeyPem(generated.getPrivate()));
    var trustingIt =
        new ArtifactVerifier(
            new TrustPolicy()
                .trust(SigningKeys.readPublicKey(SigningKeys.publicKeyPem(key.getPublic()))),
            1);
    Path model = model("m", "weights");
    publisher.upload(model, "support-bot", algorithm.id(), ModelHasher.files());
    publisher.sign(algorithm.id(), key, Optional.empty());

    ArtifactVerifier.Verified verified = trustingIt.verify(store, algorithm.id(), null);

    assertThat(verified.algorithm()).isEqualTo(algorithm);
    assertThat(verified.keyId()).isEqualTo(SigningKeys.keyId(generated.getPublic()));
  }

  @Test
  void signatureMadeByOpenSsfModelSigningVerifiesInLathe() {
    var policy = new TrustPolicy().trust(SigningKeys.readPublicKey(Golden.read("public-key.pem")));
    for (String signature : List.of("model-files.sig", "model-shards-1024.sig")) {
      ArtifactVerifier.Verified verified =
          new ArtifactVerifier(policy, 2)
              .verify(
                  new LocalModelDirectory(Golden.MODEL),
                  Golden.bytes(signature),
                  Optional.empty(),
                  null);
      assertThat(verified.claim().digestsByName()).as(signature).isNotEmpty();
    }
  }

  @Test
  void goldenKeyIdIsTheSha256OfItsPemAsModelSigningComputesIt() throws Exception {
    var key = SigningKeys.readPublicKey(Golden.read("public-key.pem"));
    String hint =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Golden.bytes("model-files.sig"))
            .path("verificationMaterial")
            .path("publicKey")
            .path("hint")
            .asText();

    assertThat(SigningKeys.keyId(key)).isEqualTo(hint);
    assertThat(SigningKeys.publicKeyPem(key)).isEqualTo(Golden.read("public-key.pem"));
  }
}
