package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.storage.ArtifactLayout;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @TempDir Path dir;

  private Trainer.Result train(Map<String, String> env) throws Exception {
    return new Trainer(TrainerContract.fromEnvironment(env), QUIET, Clock.systemUTC()).run();
  }

  @Test
  void loraRunLeavesAPeftAdapterProgressResultAndTheUnsignedStatement() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data = TrainerFixtures.repeatDataset(dir.resolve("train.jsonl"), 24);
    Path output = dir.resolve("out");
    Map<String, String> env =
        TrainerFixtures.environment(
            base,
            data,
            output,
            "{\"method\": {\"type\": \"lora\", \"rank\": 4}, \"hyperparameters\": {\"maxSteps\": 8,"
                + " \"batchSize\": 4, \"learningRate\": 0.01, \"checkpointEverySteps\": 4}}");
    env.put(TrainerContract.EVAL_FRACTION, "0.25");

    Trainer.Result result = train(env);

    assertThat(result.steps()).isEqualTo(8);
    assertThat(result.evalLoss()).isNotNull();
    assertThat(output.resolve("adapter_config.json")).exists();
    assertThat(output.resolve("adapter_model.safetensors")).exists();
    JsonNode progress = JSON.readTree(output.resolve("lathe/progress.json").toFile());
    assertThat(progress.path("step").asInt()).isEqualTo(8);
    assertThat(progress.path("totalSteps").asInt()).isEqualTo(8);
    assertThat(progress.path("tokensPerSecond").asDouble()).isPositive();
    assertThat(JSON.readTree(output.resolve("lathe/result.json").toFile()).path("method").asText())
        .isEqualTo("lora");
    JsonNode statement = JSON.readTree(output.resolve("lathe/statement.json").toFile());
    ModelSigningStatement.Claim claim = ModelSigningStatement.read(statement);
    assertThat(claim.digestsByName())
        .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
    assertThat("sha256:" + claim.rootDigest())
        .isEqualTo(ModelHasher.files().hash(output, ArtifactLayout.NOT_MODEL_FILES).digestString())
        .isEqualTo(result.manifestDigest());
    assertThat(dir.resolve("out-checkpoints")).isDirectory();
  }

  @Test
  void fullFineTuningWritesACompleteModel() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data = TrainerFixtures.repeatDataset(dir.resolve("train.jsonl"), 8);
    Path output = dir.resolve("full");

    train(
        TrainerFixtures.environment(
            base,
            data,
            output,
            "{\"method\": {\"type\": \"full\"}, \"hyperparameters\": {\"maxSteps\": 2, \"batchSize\": 4}}"));

    assertThat(output.resolve("config.json")).exists();
    assertThat(output.resolve("model.safetensors")).exists();
    assertThat(output.resolve("tokenizer.json")).exists();
    assertThat(JSON.readTree(output.resolve("lathe/result.json").toFile()).path("method").asText())
        .isEqualTo("full");
  }

  @Test
  void unusableInputsAreRefusedWithMessagesNamingTheCause() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data =
        Files.writeString(
            dir.resolve("bad.jsonl"),
            "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"\n");

    assertThatThrownBy(
            () -> TrainerContract.fromEnvironment(Map.of(TrainerContract.OUTPUT_DIR, "/tmp/x")))
        .hasMessage("LATHE_BASE_MODEL_DIR is not set");
    assertThatThrownBy(
            () -> train(TrainerFixtures.environment(base, data, dir.resolve("o1"), "{}")))
        .isInstanceOf(JsonlDataset.DatasetException.class)
        .hasMessage("bad.jsonl line 2: not valid JSON");
    Path good = TrainerFixtures.repeatDataset(dir.resolve("good.jsonl"), 4);
    assertThatThrownBy(
            () ->
                train(
                    TrainerFixtures.environment(
                        base, good, dir.resolve("o2"), "{\"method\": {\"type\": \"qlora\"}}")))
        .hasMessageContaining("qlora needs a 4-bit quantised base on NVIDIA GPUs");
    assertThatThrownBy(
            () ->
                train(
                    TrainerFixtures.environment(
                        dir.resolve("nowhere"), good, dir.resolve("o3"), "{}")))
        .hasMessageContaining("has no config.json");
  }
}
