package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing unverified is ever served: tampering anywhere stops the runtime before it listens. */
class TamperedArtifactIT {

  @TempDir static Path work;
  static SignedModels models;

  @BeforeAll
  static void publish() {
    models = SignedModels.create(work, false);
  }

  @Test
  void aTamperedWeightFileIsLeftByFetchAndVerifyToServeWhichRefusesItNamingItAndNeverListens()
      throws Exception {
    Path tampered = tamperedCopy("tampered", "model.safetensors");
    Path modelsDir = work.resolve("tampered-models");

    // The init step hashes everything but the served weights, which serve hashes as it loads.
    RuntimeProcess fetch = fetch(tampered.toUri().toString(), modelsDir, models.trustedKeys);
    assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isZero();
    assertThat(fetch.output()).contains("serve hashes model.safetensors as it loads them");

    serveRefusesNaming(modelsDir, "model.safetensors");
  }

  @Test
  void fetchAndVerifyRefusesATamperedTokenizerNamingItAndServeNeverStarts() throws Exception {
    Path tampered = tamperedCopy("tampered-tokenizer", "tokenizer.json");
    Path modelsDir = work.resolve("tampered-tokenizer-models");

    RuntimeProcess fetch = fetch(tampered.toUri().toString(), modelsDir, models.trustedKeys);
    assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isEqualTo(1);
    assertThat(fetch.output())
        .contains("verification failed (DIGEST_MISMATCH, tokenizer.json)")
        .doesNotContain("signatures and files verified");

    serveRefusesNaming(modelsDir, "tokenizer.json");
  }

  @Test
  void serveRefusesWeightsChangedAfterTheirVerifiedFetch() throws Exception {
    Path modelsDir = work.resolve("changed-models");
    RuntimeProcess fetch = fetch(models.baseUri, modelsDir, models.trustedKeys);
    assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isZero();
    TamperedBytes.flipAByte(modelsDir.resolve("model/model.safetensors"));

    serveRefusesNaming(modelsDir, "model.safetensors");
  }

  @Test
  void aSignatureByAKeyOutsideTheTrustPolicyIsRefused() throws Exception {
    Path otherKeys = work.resolve("other-keys");
    Files.createDirectories(otherKeys);
    Files.writeString(
        otherKeys.resolve("someone-else.pem"),
        SigningKeys.publicKeyPem(SigningKeys.generate(KeyAlgorithm.ECDSA_P256).getPublic()));
    RuntimeProcess fetch = fetch(models.baseUri, work.resolve("untrusted-models"), otherKeys);
    assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isEqualTo(1);
    assertThat(fetch.output()).contains("verification failed (UNTRUSTED_KEY");
  }

  @Test
  void aTruncatedSignatureIsAVerdictNamingModelSigInFetchAndVerifyAndServe() throws Exception {
    Path truncated = work.resolve("store/models/truncated-signature");
    OpenAiClientIT.copy(work.resolve("store/models/tiny-base"), truncated);
    truncate(truncated.resolve("model.sig"));
    RuntimeProcess fetch =
        fetch(truncated.toUri().toString(), work.resolve("t1"), models.trustedKeys);
    assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isEqualTo(1);
    assertThat(fetch.output()).contains("verification failed (MALFORMED_STATEMENT, model.sig)");

    Path modelsDir = work.resolve("t2");
    RuntimeProcess good = fetch(models.baseUri, modelsDir, models.trustedKeys);
    assertThat(good.waitFor(Duration.ofMinutes(1))).as(good.output()).isZero();
    truncate(modelsDir.resolve("model/model.sig"));
    int port = RuntimeProcess.freePort();
    RuntimeProcess serve = serve(modelsDir, port);
    assertThat(serve.waitFor(Duration.ofMinutes(1))).as(serve.output()).isEqualTo(1);
    assertThat(serve.output()).contains("MALFORMED_STATEMENT").doesNotContain("listening");
  }

  @Test
  void aClaimLocationThatClimbsOrPassesALinkIsRefusedBeforeAnythingIsRead() throws Exception {
    Path claims = work.resolve("claims");
    Path victim = work.resolve("store/models/tiny-base");
    Files.createDirectories(claims.resolve("scratch"));
    Files.createSymbolicLink(claims.resolve("scratch/linked"), victim);

    for (String uri :
        new String[] {"pvc://scratch/../../store/models/tiny-base", "pvc://scratch/linked"}) {
      RuntimeProcess fetch =
          RuntimeProcess.start(
              work.resolve("logs"),
              Map.of(),
              "fetch-and-verify",
              "--model-uri",
              uri,
              "--claims-root",
              claims.toString(),
              "--models-dir",
              work.resolve("climbed").toString(),
              "--trusted-keys-dir",
              models.trustedKeys.toString());
      assertThat(fetch.waitFor(Duration.ofMinutes(1))).as(fetch.output()).isEqualTo(1);
      assertThat(fetch.output())
          .contains("fetch-and-verify refused")
          .doesNotContain("signatures and files verified");
    }
    assertThat(work.resolve("climbed/model")).doesNotExist();
  }

  /**
   * A copy of the signed tiny base in the store as {@code name}, one byte of {@code file} flipped.
   */
  private static Path tamperedCopy(String name, String file) throws IOException {
    Path tampered = work.resolve("store/models").resolve(name);
    OpenAiClientIT.copy(work.resolve("store/models/tiny-base"), tampered);
    TamperedBytes.flipAByte(tampered.resolve(file));
    return tampered;
  }

  /** serve on {@code modelsDir} exits 1 with the verdict naming {@code file}, and never listens. */
  private static void serveRefusesNaming(Path modelsDir, String file) throws Exception {
    int port = RuntimeProcess.freePort();
    RuntimeProcess serve = serve(modelsDir, port);
    assertThat(serve.waitFor(Duration.ofMinutes(1))).as(serve.output()).isEqualTo(1);
    assertThat(serve.output())
        .contains("verification failed (DIGEST_MISMATCH, " + file + ")", "nothing is served")
        .doesNotContain("listening");
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  private static void truncate(Path file) throws IOException {
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
  }

  private static RuntimeProcess fetch(String uri, Path modelsDir, Path trustedKeys)
      throws IOException {
    return RuntimeProcess.start(
        work.resolve("logs"),
        Map.of(),
        "fetch-and-verify",
        "--model-uri",
        uri,
        "--models-dir",
        modelsDir.toString(),
        "--trusted-keys-dir",
        trustedKeys.toString());
  }

  private static RuntimeProcess serve(Path modelsDir, int port) throws IOException {
    return RuntimeProcess.start(
        work.resolve("logs"),
        Map.of(),
        "serve",
        "--models-dir",
        modelsDir.toString(),
        "--trusted-keys-dir",
        models.trustedKeys.toString(),
        "--host",
        "127.0.0.1",
        "--port",
        Integer.toString(port));
  }
}
