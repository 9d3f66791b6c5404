package dev.lathe.trainer;

import static dev.lathe.trainer.StoreFixtures.NAMESPACE;
import static dev.lathe.trainer.StoreFixtures.OPERATOR_KEY;
import static dev.lathe.trainer.StoreFixtures.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoreAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verification Job: the two JSON shapes the operator reads from its termination log. */
class VerifyModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final StoreFixtures.Captured out = new StoreFixtures.Captured();
  private final StoreFixtures.Captured err = new StoreFixtures.Captured();

  private StoreAddress store() throws Exception {
    return StoreAddress.directory(
        "pvc://models/team-a/support-bot/v3", Files.createDirectories(dir.resolve("store")));
  }

  private int verify(StoreAddress address, String expectedDigest, String trustedKeys) {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("namespace", NAMESPACE);
    plan.set("address", JSON.valueToTree(address));
    if (expectedDigest != null) {
      plan.put("expectedDigest", expectedDigest);
    }
    Map<String, String> env = new HashMap<>();
    env.put(TrainerContract.VERIFY_PLAN, plan.toString());
    env.put(TrainerContract.TRUSTED_KEYS, trustedKeys);
    env.put(TrainerContract.TERMINATION_LOG, dir.resolve("termination-log").toString());
    return VerifyMode.run(env, out.stream, err.stream);
  }

  /** The termination log: exactly one JSON line. */
  private JsonNode report() throws Exception {
    String log = Files.readString(dir.resolve("termination-log"));
    assertThat(log).endsWith("\n");
    assertThat(log.strip()).doesNotContain("\n");
    assertThat(log.getBytes(StandardCharsets.UTF_8).length).isLessThan(4000);
    return JSON.readTree(log);
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void reportsTheVerifiedDigestKeyAlgorithmFilesAndSizeAsOneJsonLine() throws Exception {
    StoreAddress address = store();
    String digest =
        StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), address, OPERATOR_KEY);

    int status = verify(address, digest, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).as(err.text()).isZero();
    JsonNode report = report();
    assertThat(fields(report))
        .containsExactly("manifestDigest", "keyId", "algorithm", "files", "sizeBytes");
    assertThat(report.path("manifestDigest").asText()).isEqualTo(digest);
    assertThat(report.path("keyId").asText())
        .isEqualTo(SigningKeys.keyId(OPERATOR_KEY.getPublic()));
    assertThat(report.path("algorithm").asText()).isEqualTo("ecdsa-p256-sha256");
    assertThat(report.path("files").asInt()).isEqualTo(3);
    assertThat(report.path("sizeBytes").asLong())
        .isEqualTo(
            Files.size(dir.resolve("model/config.json"))
                + Files.size(dir.resolve("model/tokenizer/tokenizer.json"))
                + 4096);
    assertThat(out.text().strip()).isEqualTo(report.toString());
  }

  @Test
  void countsEachFileOnceWhenTheSignatureListsShards() throws Exception {
    StoreAddress address = store();
    ArtifactStore store = address.open();
    new ArtifactPublisher(store)
        .publish(
            StoreFixtures.fakeModel(dir.resolve("model")),
            "base",
            "",
            ModelHasher.shards(1000),
            OPERATOR_KEY,
            Optional.empty());

    int status = verify(address, null, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).as(err.text()).isZero();
    assertThat(report().path("files").asInt()).isEqualTo(3);
    assertThat(report().path("sizeBytes").asLong())
        .isEqualTo(
            Files.size(dir.resolve("model/config.json"))
                + Files.size(dir.resolve("model/tokenizer/tokenizer.json"))
                + 4096);
  }

  @Test
  void reportsATamperedFileAsDigestMismatchNamingIt() throws Exception {
    StoreAddress address = store();
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), address, OPERATOR_KEY);
    StoreFixtures.flipAByte(address, "model.safetensors");

    int status = verify(address, null, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    JsonNode report = report();
    assertThat(fields(report)).containsExactly("failure", "subject", "message");
    assertThat(report.path("failure").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(report.path("subject").asText()).isEqualTo("model.safetensors");
    assertThat(report.path("message").asText())
        .startsWith("content differs from the signed digest: model.safetensors");
    assertThat(err.text()).contains("DIGEST_MISMATCH model.safetensors");
  }

  @Test
  void reportsATruncatedSignatureAsAMalformedStatementVerdictNotAStorageError() throws Exception {
    StoreAddress address = store();
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), address, OPERATOR_KEY);
    Path signature = Path.of(address.localPath()).resolve("model.sig");
    byte[] whole = Files.readAllBytes(signature);
    Files.write(signature, java.util.Arrays.copyOf(whole, whole.length / 2));

    int status = verify(address, null, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).as("a verdict, so the Job is not retried").isEqualTo(1);
    JsonNode report = report();
    assertThat(report.path("failure").asText()).isEqualTo("MALFORMED_STATEMENT");
    assertThat(report.path("subject").asText()).isEqualTo("model.sig");
    assertThat(report.path("message").asText()).startsWith("model.sig: ");
  }

  @Test
  void refusesAPlanWhosePathClimbsOutOfItsClaimAsConfiguration() throws Exception {
    Path claim = Files.createDirectories(dir.resolve("claims/scratch"));
    StoreAddress climbing =
        new StoreAddress(
            "pvc://scratch/../victim", null, null, null, null, claim.resolve("x").toString());

    int status = verify(climbing, null, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    assertThat(report().path("failure").asText()).isEqualTo("CONFIGURATION");
    assertThat(report().path("message").asText()).contains("'..' segment");
  }

  @Test
  void reportsAVerifiedArtifactThatIsNotThePinnedDigestAsDigestMismatch() throws Exception {
    StoreAddress address = store();
    String digest =
        StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), address, OPERATOR_KEY);
    String pinned = "sha256:" + "1".repeat(64);

    int status = verify(address, pinned, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    JsonNode report = report();
    assertThat(report.path("failure").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(report.path("subject").asText()).isEqualTo("pvc://models/team-a/support-bot/v3");
    assertThat(report.path("message").asText()).contains(digest).contains(pinned);
  }

  @Test
  void reportsAnUnsignedPrefixAndAnUntrustedKeyByTheirFailureNames() throws Exception {
    StoreAddress unsigned = store().resolve("unsigned");
    ArtifactStore store = unsigned.open();
    new ArtifactPublisher(store)
        .upload(StoreFixtures.fakeModel(dir.resolve("model")), "base", "", ModelHasher.files());
    assertThat(verify(unsigned, null, StoreFixtures.pem(OPERATOR_KEY))).isEqualTo(1);
    assertThat(report().path("failure").asText()).isEqualTo("UNSIGNED");

    StoreAddress foreign = store().resolve("foreign");
    StoreFixtures.publish(dir.resolve("model"), foreign, OTHER_KEY);
    assertThat(verify(foreign, null, StoreFixtures.pem(OPERATOR_KEY))).isEqualTo(1);
    JsonNode report = report();
    assertThat(report.path("failure").asText()).isEqualTo("UNTRUSTED_KEY");
    assertThat(report.path("subject").asText()).isEqualTo(SigningKeys.keyId(OTHER_KEY.getPublic()));
  }

  @Test
  void reportsAStoreItCannotReachAsStorage() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path credentials = StoreFixtures.credentials(dir.resolve("credentials"));
    StoreAddress address =
        StoreAddress.s3(
            "s3://models/team-a/v1",
            "http://127.0.0.1:" + closedPort,
            null,
            true,
            credentials.toString());

    int status = verify(address, null, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(VerifyMode.STORAGE_EXIT);
    JsonNode report = report();
    assertThat(report.path("failure").asText()).isEqualTo("STORAGE");
    assertThat(report.path("subject").asText()).isEqualTo("s3://models/team-a/v1");
  }

  @Test
  void reportsAMissingPlanOrKeyAsConfiguration() throws Exception {
    Map<String, String> env =
        Map.of(TrainerContract.TERMINATION_LOG, dir.resolve("termination-log").toString());
    assertThat(VerifyMode.run(env, out.stream, err.stream)).isEqualTo(1);
    assertThat(report().path("failure").asText()).isEqualTo("CONFIGURATION");
    assertThat(report().path("subject").asText()).isEqualTo("LATHE_VERIFY_PLAN");

    assertThat(verify(store(), null, "not a key")).isEqualTo(1);
    assertThat(report().path("subject").asText()).isEqualTo("LATHE_TRUSTED_KEYS");
  }

  @Test
  void keepsAFailureReportUnder4000BytesWhateverTheMessage() throws Exception {
    String message = "\"quoted\" \u0001 é 漢 ".repeat(1000);

    String json = TerminationReport.failure("DIGEST_MISMATCH", "weights.safetensors", message);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(4000).isGreaterThan(3500);
    JsonNode report = JSON.readTree(json);
    assertThat(report.path("subject").asText()).isEqualTo("weights.safetensors");
    assertThat(report.path("message").asText()).startsWith("\"quoted\" \u0001 é 漢 ").endsWith(" …");
  }
}
