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
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init container's fetch step: what it loads, what it records, and what it refuses. */
class FetchModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @TempDir Path dir;

  private final StoreFixtures.Captured err = new StoreFixtures.Captured();

  private ObjectNode plan(StoreAddress base, boolean verify, StoreAddress data, String key) {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("namespace", NAMESPACE);
    ObjectNode baseModel = plan.putObject("baseModel");
    baseModel.set("address", JSON.valueToTree(base));
    baseModel.put("verify", verify);
    baseModel.put("target", dir.resolve("work/base").toString());
    ObjectNode dataset = plan.putObject("dataset");
    dataset.set("address", JSON.valueToTree(data));
    dataset.put("key", key);
    dataset.put("target", dir.resolve("work/data/train.jsonl").toString());
    plan.put("inputs", dir.resolve("work/lathe-inputs.json").toString());
    return plan;
  }

  private int fetch(ObjectNode plan, String trustedKeys) {
    Map<String, String> env = new HashMap<>();
    env.put(TrainerContract.FETCH_PLAN, plan.toString());
    env.put(TrainerContract.TRUSTED_KEYS, trustedKeys);
    env.put(TrainerContract.TERMINATION_LOG, dir.resolve("termination-log").toString());
    return FetchMode.run(env, err.stream);
  }

  private String terminationMessage() throws Exception {
    return Files.readString(dir.resolve("termination-log"));
  }

  private JsonNode inputs() throws Exception {
    return JSON.readTree(dir.resolve("work/lathe-inputs.json").toFile());
  }

  private StoreAddress directory(String name) throws Exception {
    return StoreAddress.directory(
        "pvc://models/" + name, Files.createDirectories(dir.resolve(name)));
  }

  private StoreAddress dataDirectory() throws Exception {
    StoreAddress data = directory("data");
    StoreFixtures.write(data, "train.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\"}\n");
    return data;
  }

  private long filesIn(Path directory) throws Exception {
    if (!Files.exists(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void fetchesASignedBaseAndADatasetFromS3AndRecordsTheirDigests() throws Exception {
    Path tinyBase = TinyBaseModel.ensureDefault(QUIET);
    try (LoopbackS3 s3 = new LoopbackS3()) {
      Path credentials = StoreFixtures.credentials(dir.resolve("credentials"));
      StoreAddress base = StoreFixtures.s3(s3, "models", "team-a/tiny/v1", credentials);
      String digest = StoreFixtures.publish(tinyBase, base, OPERATOR_KEY);
      StoreAddress data = StoreFixtures.s3(s3, "datasets", "support", credentials);
      String lines = "{\"prompt\": \"hi\", \"completion\": \" there\"}\n";
      StoreFixtures.write(data, "train.jsonl", lines);
      ObjectNode plan = plan(base, true, data, "train.jsonl");
      ((ObjectNode) plan.path("baseModel")).put("expectedDigest", digest);

      // Two trusted keys, as the operator concatenates them; the signer's is the second.
      int status = fetch(plan, StoreFixtures.pem(OTHER_KEY) + StoreFixtures.pem(OPERATOR_KEY));

      assertThat(status).as(err.text()).isZero();
      Path target = dir.resolve("work/base");
      assertThat(ModelHasher.files().hash(target, ArtifactLayout.NOT_MODEL_FILES).digestString())
          .isEqualTo(digest);
      assertThat(target.resolve(ArtifactLayout.SIGNATURE)).doesNotExist();
      assertThat(target.resolve(ArtifactLayout.LATHE_DIRECTORY)).doesNotExist();
      assertThat(target.resolve("model.safetensors"))
          .hasSameBinaryContentAs(tinyBase.resolve("model.safetensors"));
      JsonNode inputs = inputs();
      assertThat(inputs.path("baseModel").path("uri").asText())
          .isEqualTo("s3://models/team-a/tiny/v1");
      assertThat(inputs.path("baseModel").path("digest").asText()).isEqualTo(digest);
      assertThat(inputs.path("baseModel").path("verified").asBoolean()).isTrue();
      assertThat(inputs.path("baseModel").path("keyId").asText())
          .isEqualTo(SigningKeys.keyId(OPERATOR_KEY.getPublic()));
      assertThat(inputs.path("dataset").path("uri").asText())
          .isEqualTo("s3://datasets/support/train.jsonl");
      assertThat(inputs.path("dataset").path("digest").asText())
          .isEqualTo(StoreFixtures.sha256(lines.getBytes()));
      assertThat(dir.resolve("work/data/train.jsonl")).hasContent(lines.strip());
      assertThat(inputs.has("evalDataset")).isFalse();
    }
  }

  @Test
  void refusesATamperedBaseAndLeavesNothingLoaded() throws Exception {
    StoreAddress base = directory("base");
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), base, OPERATOR_KEY);
    StoreFixtures.flipAByte(base, "model.safetensors");
    // A previous attempt's leftovers in the target must not survive either.
    Files.createDirectories(dir.resolve("work/base"));
    Files.writeString(dir.resolve("work/base/stale.bin"), "old");

    int status =
        fetch(plan(base, true, dataDirectory(), "train.jsonl"), StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage())
        .startsWith("base model pvc://models/base: DIGEST_MISMATCH model.safetensors: ")
        .contains("content differs from the signed digest");
    assertThat(err.text()).contains("DIGEST_MISMATCH model.safetensors");
    assertThat(filesIn(dir.resolve("work/base"))).isZero();
    assertThat(dir.resolve("work/lathe-inputs.json")).doesNotExist();
  }

  @Test
  void refusesABaseSignedByAKeyItDoesNotTrust() throws Exception {
    StoreAddress base = directory("base");
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), base, OTHER_KEY);

    int status =
        fetch(plan(base, true, dataDirectory(), "train.jsonl"), StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage())
        .startsWith(
            "base model pvc://models/base: UNTRUSTED_KEY "
                + SigningKeys.keyId(OTHER_KEY.getPublic()));
    assertThat(filesIn(dir.resolve("work/base"))).isZero();
    assertThat(dir.resolve("work/lathe-inputs.json")).doesNotExist();
  }

  @Test
  void refusesAnUnsignedBase() throws Exception {
    StoreAddress base = directory("base");
    ArtifactStore store = base.open();
    new ArtifactPublisher(store)
        .upload(StoreFixtures.fakeModel(dir.resolve("model")), "base", "", ModelHasher.files());

    int status =
        fetch(plan(base, true, dataDirectory(), "train.jsonl"), StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage())
        .startsWith("base model pvc://models/base: UNSIGNED pvc://models/base: no signature at");
    assertThat(filesIn(dir.resolve("work/base"))).isZero();
  }

  @Test
  void refusesABaseThatVerifiesButIsNotThePinnedDigest() throws Exception {
    StoreAddress base = directory("base");
    String digest =
        StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), base, OPERATOR_KEY);
    ObjectNode plan = plan(base, true, dataDirectory(), "train.jsonl");
    String pinned = "sha256:" + "0".repeat(64);
    ((ObjectNode) plan.path("baseModel")).put("expectedDigest", pinned);

    int status = fetch(plan, StoreFixtures.pem(OPERATOR_KEY));

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage()).contains(digest).contains(pinned);
    assertThat(filesIn(dir.resolve("work/base"))).isZero();
  }

  @Test
  void recordsTheHashedDigestOfARawBase() throws Exception {
    Path model = StoreFixtures.fakeModel(dir.resolve("base"));
    StoreAddress base = StoreAddress.directory("pvc://hf/llama", model);

    int status = fetch(plan(base, false, dataDirectory(), "train.jsonl"), "");

    assertThat(status).as(err.text()).isZero();
    String digest = ModelHasher.files().hash(model, ArtifactLayout.NOT_MODEL_FILES).digestString();
    JsonNode recorded = inputs().path("baseModel");
    assertThat(recorded.path("uri").asText()).isEqualTo("pvc://hf/llama");
    assertThat(recorded.path("digest").asText()).isEqualTo(digest);
    assertThat(recorded.path("verified").asBoolean()).isFalse();
    assertThat(recorded.has("keyId")).isFalse();
    assertThat(dir.resolve("work/base/tokenizer/tokenizer.json")).exists();
  }

  @Test
  void concatenatesEveryJsonlObjectUnderADatasetPrefixInKeyOrder() throws Exception {
    StoreAddress base =
        StoreAddress.directory("pvc://hf/llama", StoreFixtures.fakeModel(dir.resolve("base")));
    StoreAddress data = directory("data");
    StoreFixtures.write(data, "b.jsonl", "{\"n\": 2}\n{\"n\": 3}\n");
    StoreFixtures.write(data, "a.jsonl", "{\"n\": 1}");
    StoreFixtures.write(data, "README.txt", "not data");
    StoreFixtures.write(data, "more/c.jsonl", "{\"n\": 4}\n");
    StoreFixtures.write(data, "a-first/x.jsonl", "{\"n\": 1.5}\n");
    StoreAddress evalData = directory("eval");
    StoreFixtures.write(evalData, "held-out.jsonl", "{\"n\": 9}\n");
    ObjectNode plan = plan(base, false, data, "");
    ObjectNode eval = plan.putObject("evalDataset");
    eval.set("address", JSON.valueToTree(evalData));
    eval.put("key", "held-out.jsonl");
    eval.put("target", dir.resolve("work/data/eval.jsonl").toString());

    int status = fetch(plan, "");

    assertThat(status).as(err.text()).isZero();
    String expected = "{\"n\": 1.5}\n{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n{\"n\": 4}\n";
    assertThat(Files.readString(dir.resolve("work/data/train.jsonl"))).isEqualTo(expected);
    JsonNode inputs = inputs();
    assertThat(inputs.path("dataset").path("uri").asText()).isEqualTo("pvc://models/data");
    assertThat(inputs.path("dataset").path("digest").asText())
        .isEqualTo(StoreFixtures.sha256(expected.getBytes()));
    assertThat(inputs.path("evalDataset").path("uri").asText())
        .isEqualTo("pvc://models/eval/held-out.jsonl");
    assertThat(inputs.path("evalDataset").path("digest").asText())
        .isEqualTo(StoreFixtures.sha256("{\"n\": 9}\n".getBytes()));
  }

  @Test
  void namesTheUriOfAMissingDatasetObject() throws Exception {
    StoreAddress base =
        StoreAddress.directory("pvc://hf/llama", StoreFixtures.fakeModel(dir.resolve("base")));

    int status = fetch(plan(base, false, dataDirectory(), "nope.jsonl"), "");

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage())
        .isEqualTo("dataset: no object at pvc://models/data/nope.jsonl");
    assertThat(dir.resolve("work/lathe-inputs.json")).doesNotExist();
  }

  @Test
  void refusesToVerifyWithoutTrustedKeys() throws Exception {
    StoreAddress base = directory("base");
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), base, OPERATOR_KEY);

    int status = fetch(plan(base, true, dataDirectory(), "train.jsonl"), "");

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage()).startsWith("LATHE_TRUSTED_KEYS is not set");
  }
}
