package dev.lathe.trainer;

import static dev.lathe.trainer.StoreFixtures.NAMESPACE;
import static dev.lathe.trainer.StoreFixtures.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main container's train step publishing to storage: progress while it runs, then the model.
 */
class TrainModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  private static final String SETTINGS =
      "{\"method\": {\"type\": \"lora\", \"rank\": 4}, \"hyperparameters\": {\"maxSteps\": 6,"
          + " \"batchSize\": 2, \"learningRate\": 0.01, \"checkpointEverySteps\": 3}}";
  private static final String INPUTS =
      "{\"baseModel\": {\"uri\": \"pvc://hf/tiny\", \"digest\": \"sha256:"
          + "ab".repeat(32)
          + "\", \"verified\": false}}";

  @TempDir Path dir;

  private final StoreFixtures.Captured err = new StoreFixtures.Captured();

  private Map<String, String> environment(StoreAddress output) throws Exception {
    Path base = TinyBaseModel.ensureDefault(QUIET);
    Path data = TrainerFixtures.repeatDataset(dir.resolve("train.jsonl"), 12);
    Map<String, String> env =
        new HashMap<>(TrainerFixtures.environment(base, data, dir.resolve("out"), SETTINGS));
    env.put(TrainerContract.OUTPUT_STORAGE, output.toJson());
    env.put(
        TrainerContract.INPUTS_FILE,
        Files.writeString(dir.resolve("lathe-inputs.json"), INPUTS).toString());
    env.put(TrainerContract.PROGRESS_INTERVAL_SECONDS, "0");
    return env;
  }

  private StoreAddress directoryOutput() throws Exception {
    return StoreAddress.directory(
        "pvc://models/team-a/repeat-bot/attempt-1", Files.createDirectories(dir.resolve("store")));
  }

  private String terminationMessage() throws Exception {
    return Files.readString(dir.resolve("termination-log"));
  }

  private static int step(RecordingStore.Write progress) {
    try {
      return JSON.readTree(progress.content()).path("step").asInt();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void uploadsTheModelResultAndInputsWithTheStatementLastAndProgressWhileTraining()
      throws Exception {
    StoreAddress output = directoryOutput();
    RecordingStore store = new RecordingStore(new FilesystemStore(dir.resolve("store")));

    int status = TrainMode.run(environment(output), err.stream, address -> store);

    assertThat(status).as(err.text()).isZero();
    List<String> keys = store.keysWritten();
    assertThat(keys.get(keys.size() - 1)).isEqualTo(ArtifactLayout.UNSIGNED_STATEMENT);
    int result = keys.indexOf("lathe/result.json");
    assertThat(result).isPositive();
    assertThat(keys.indexOf("lathe/inputs.json")).isGreaterThan(result);
    assertThat(keys.indexOf("adapter_config.json"))
        .isGreaterThan(keys.indexOf("lathe/inputs.json"));
    assertThat(keys.indexOf("adapter_model.safetensors"))
        .isGreaterThan(keys.indexOf("lathe/inputs.json"));
    List<RecordingStore.Write> progress =
        store.writes().stream().filter(w -> w.key().equals("lathe/progress.json")).toList();
    assertThat(progress).isNotEmpty();
    assertThat(step(progress.get(0))).as("published while training").isLessThan(6);
    assertThat(step(progress.get(progress.size() - 1))).as("the final push").isEqualTo(6);
    assertThat(keys.lastIndexOf("lathe/progress.json")).isLessThan(result);

    Path stored = dir.resolve("store");
    assertThat(stored.resolve("lathe/inputs.json")).hasContent(INPUTS);
    assertThat(stored.resolve("lathe/result.json"))
        .hasSameTextualContentAs(dir.resolve("out/lathe/result.json"));
    assertThat(stored.resolve("adapter_model.safetensors"))
        .hasSameBinaryContentAs(dir.resolve("out/adapter_model.safetensors"));
    assertThat(stored.resolve(ArtifactLayout.SIGNATURE)).doesNotExist();
  }

  @Test
  void fetchedInputsTrainedAndUploadedToS3VerifyOnceTheOperatorSigns() throws Exception {
    try (LoopbackS3 s3 = new LoopbackS3()) {
      Path credentials = StoreFixtures.credentials(dir.resolve("credentials"));
      StoreAddress base = StoreFixtures.s3(s3, "models", "team-a/tiny/v1", credentials);
      String baseDigest =
          StoreFixtures.publish(TinyBaseModel.ensureDefault(QUIET), base, OPERATOR_KEY);
      StoreAddress data = StoreFixtures.s3(s3, "datasets", "repeat", credentials);
      StoreFixtures.write(
          data,
          "train.jsonl",
          Files.readString(TrainerFixtures.repeatDataset(dir.resolve("source.jsonl"), 12)));
      StoreAddress output =
          StoreFixtures.s3(s3, "models", "team-a/repeat-bot/attempt-1", credentials);

      ObjectNode plan = JSON.createObjectNode();
      plan.put("namespace", NAMESPACE);
      ObjectNode baseModel = plan.putObject("baseModel");
      baseModel.set("address", JSON.valueToTree(base));
      baseModel.put("verify", true);
      baseModel.put("target", dir.resolve("pod/base").toString());
      ObjectNode dataset = plan.putObject("dataset");
      dataset.set("address", JSON.valueToTree(data));
      dataset.put("key", "");
      dataset.put("target", dir.resolve("pod/data/train.jsonl").toString());
      plan.put("inputs", dir.resolve("pod/lathe-inputs.json").toString());
      Map<String, String> env = new HashMap<>();
      env.put(TrainerContract.FETCH_PLAN, plan.toString());
      env.put(TrainerContract.TRUSTED_KEYS, StoreFixtures.pem(OPERATOR_KEY));
      env.put(TrainerContract.TERMINATION_LOG, dir.resolve("termination-log").toString());
      assertThat(TrainerMain.run(new String[] {"fetch"}, env, QUIET, err.stream))
          .as(err.text())
          .isZero();

      env.putAll(
          TrainerFixtures.environment(
              dir.resolve("pod/base"),
              dir.resolve("pod/data/train.jsonl"),
              dir.resolve("pod/out"),
              SETTINGS));
      env.put(TrainerContract.OUTPUT_STORAGE, output.toJson());
      env.put(TrainerContract.INPUTS_FILE, dir.resolve("pod/lathe-inputs.json").toString());
      assertThat(TrainerMain.run(new String[] {"train"}, env, QUIET, err.stream))
          .as(err.text())
          .isZero();

      ArtifactStore store = output.open();
      try {
        JsonNode inputs = JSON.readTree(store.read("lathe/inputs.json").orElseThrow());
        assertThat(inputs.path("baseModel").path("digest").asText()).isEqualTo(baseDigest);
        assertThat(store.read("lathe/progress.json")).isPresent();
        String uploaded =
            "sha256:"
                + ModelSigningStatement.read(
                        JSON.readTree(store.read(ArtifactLayout.UNSIGNED_STATEMENT).orElseThrow()))
                    .rootDigest();
        assertThat(uploaded)
            .isEqualTo(
                ModelHasher.files()
                    .hash(dir.resolve("pod/out"), ArtifactLayout.NOT_MODEL_FILES)
                    .digestString());

        new ArtifactPublisher(store).sign("", OPERATOR_KEY, Optional.empty());
        ArtifactVerifier.Verified verified =
            new ArtifactVerifier(
                    new TrustPolicy().trust(OPERATOR_KEY.getPublic(), Set.of(NAMESPACE)))
                .verify(store, "", NAMESPACE);
        assertThat(verified.manifestDigest()).isEqualTo(uploaded);
        assertThat(verified.claim().digestsByName())
            .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");

        // The ModelVersion's verification Job, streaming from the same prefix.
        ObjectNode verifyPlan = JSON.createObjectNode();
        verifyPlan.put("namespace", NAMESPACE);
        verifyPlan.set("address", JSON.valueToTree(output));
        verifyPlan.put("expectedDigest", uploaded);
        env.put(TrainerContract.VERIFY_PLAN, verifyPlan.toString());
        assertThat(TrainerMain.run(new String[] {"verify"}, env, QUIET, err.stream))
            .as(err.text())
            .isZero();
        JsonNode report = JSON.readTree(Path.of(env.get(TrainerContract.TERMINATION_LOG)).toFile());
        assertThat(report.path("manifestDigest").asText()).isEqualTo(uploaded);
        assertThat(report.path("files").asInt()).isEqualTo(2);
      } finally {
        StoreAddress.close(store);
      }
    }
  }

  @Test
  void aRetriedPodCompletesAHalfDoneUploadAndLeavesASignedPrefixAlone() throws Exception {
    StoreAddress output = directoryOutput();
    // An earlier attempt died mid-upload: a truncated weights file and its progress are there.
    Files.write(dir.resolve("store/adapter_model.safetensors"), new byte[] {1, 2, 3});
    Files.createDirectories(dir.resolve("store/lathe"));
    Files.writeString(dir.resolve("store/lathe/progress.json"), "{\"step\": 2}");
    Map<String, String> env = environment(output);

    assertThat(TrainMode.run(env, err.stream)).as(err.text()).isZero();
    ArtifactStore store = output.open();
    new ArtifactPublisher(store).sign("", OPERATOR_KEY, Optional.empty());
    TrustPolicy policy = new TrustPolicy().trust(OPERATOR_KEY.getPublic(), Set.of(NAMESPACE));
    String signed = new ArtifactVerifier(policy).verify(store, "", NAMESPACE).manifestDigest();
    byte[] signature = store.read(ArtifactLayout.SIGNATURE).orElseThrow();

    // Retried once more after signing: it resumes from its checkpoint, ends with the same model,
    // and writes nothing into the published prefix.
    RecordingStore watched = new RecordingStore(new FilesystemStore(dir.resolve("store")));
    assertThat(TrainMode.run(env, err.stream, address -> watched)).as(err.text()).isZero();

    assertThat(err.text()).contains("resuming after step 3");
    assertThat(watched.keysWritten()).isEmpty();
    assertThat(store.read(ArtifactLayout.SIGNATURE)).hasValue(signature);
    assertThat(new ArtifactVerifier(policy).verify(store, "", NAMESPACE).manifestDigest())
        .isEqualTo(signed);
  }

  @Test
  void aFailedUploadExitsOneNamingTheStoreAndLeavesNoStatement() throws Exception {
    StoreAddress output = directoryOutput();
    RecordingStore store = new RecordingStore(new FilesystemStore(dir.resolve("store")));
    store.failWritesTo(key -> key.equals("adapter_model.safetensors"));

    int status = TrainMode.run(environment(output), err.stream, address -> store);

    assertThat(status).isEqualTo(1);
    assertThat(terminationMessage())
        .isEqualTo(
            "cannot upload the model to pvc://models/team-a/repeat-bot/attempt-1: injected"
                + " failure writing adapter_model.safetensors");
    assertThat(dir.resolve("store").resolve(ArtifactLayout.UNSIGNED_STATEMENT)).doesNotExist();
  }

  @Test
  void progressThatCannotBePublishedDoesNotStopTraining() throws Exception {
    StoreAddress output = directoryOutput();
    RecordingStore store = new RecordingStore(new FilesystemStore(dir.resolve("store")));
    store.failWritesTo(key -> key.equals("lathe/progress.json"));

    int status = TrainMode.run(environment(output), err.stream, address -> store);

    assertThat(status).as(err.text()).isZero();
    assertThat(err.text()).contains("could not publish progress to");
    assertThat(store.keysWritten()).endsWith(ArtifactLayout.UNSIGNED_STATEMENT);
  }
}
