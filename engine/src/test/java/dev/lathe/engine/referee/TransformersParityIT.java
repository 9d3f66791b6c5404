package dev.lathe.engine.referee;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.config.RopeScaling;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The referee: checkpoints Lathe writes give the same logits in Hugging Face transformers'
 * LlamaForCausalLM / MistralForCausalLM (float32, eager attention) as in Lathe's decoder, within
 * 1e-4, and PEFT loads Lathe's LoRA adapters and reproduces Lathe's adapted logits.
 */
class TransformersParityIT {

  private static final Path REFEREE = Path.of("referee", "run-referee.sh").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long[] IDS = {1, 17, 250, 3, 99, 42, 7, 300, 12, 5, 64, 128};
  private static final float TOLERANCE = 1e-4f;

  @TempDir Path dir;

  static ModelConfig config(String type, RopeScaling rope, Optional<Integer> window) {
    return new ModelConfig(
        type,
        320,
        64,
        172,
        2,
        4,
        2,
        16,
        256,
        1e-5,
        10000.0,
        rope,
        window,
        false,
        Optional.of(1),
        List.of(2),
        "float32");
  }

  static Stream<Arguments> architectures() {
    return Stream.of(
        Arguments.of(
            "llama, grouped-query attention", config("llama", RopeScaling.NONE, Optional.empty())),
        Arguments.of(
            "llama, linear rope scaling",
            config("llama", new RopeScaling("linear", 2.0, 1, 4, 0), Optional.empty())),
        Arguments.of(
            "llama 3.1 rope scaling",
            config("llama", new RopeScaling("llama3", 8.0, 1.0, 4.0, 32), Optional.empty())),
        Arguments.of(
            "mistral, sliding window shorter than the sequence",
            config("mistral", RopeScaling.NONE, Optional.of(4))));
  }

  private Path save(LlamaWeights weights, Path modelDir) throws IOException {
    Files.createDirectories(modelDir);
    Checkpoint.write(modelDir, weights.toTensors(DType.F32), Long.MAX_VALUE);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(modelDir.resolve("config.json").toFile(), weights.config().toJson());
    return modelDir;
  }

  private static JsonNode referee(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", REFEREE.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();
    return JSON.readTree(out);
  }

  private static String ids() {
    return Arrays.stream(IDS).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }

  private static float maxAbsDiff(float[] lathe, JsonNode reference) {
    float max = 0;
    int vocab = reference.path("shape").get(1).asInt();
    for (int t = 0; t < reference.path("shape").get(0).asInt(); t++) {
      for (int v = 0; v < vocab; v++) {
        max =
            Math.max(
                max,
                Math.abs(
                    lathe[t * vocab + v]
                        - (float) reference.path("logits").get(t).get(v).asDouble()));
      }
    }
    return max;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void latheCheckpointGivesTransformersTheLogitsLatheComputes(String name, ModelConfig config)
      throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 2026, manager)) {
      Path model = save(weights, dir.resolve("model"));
      float[] lathe =
          new LlamaModel(weights)
              .forward(manager.create(IDS, new Shape(1, IDS.length)), null, false)
              .toFloatArray();

      JsonNode reference = referee(model.toString(), ids());

      assertThat(reference.path("shape").get(0).asInt()).isEqualTo(IDS.length);
      assertThat(maxAbsDiff(lathe, reference))
          .as("max |Lathe - transformers|")
          .isLessThan(TOLERANCE);
    }
  }

  @Test
  void peftLoadsALatheAdapterAndReproducesTheAdaptedLogits() throws Exception {
    ModelConfig config = config("llama", RopeScaling.NONE, Optional.empty());
    LoraConfig lora =
        new LoraConfig(
            4, 8, 0, List.copyOf(LoraConfig.SUPPORTED_TARGETS.stream().sorted().toList()), "tiny");
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 7, manager);
        LoraAdapter adapter = LoraAdapter.initialise(lora, config, 8, manager)) {
      for (NDArray parameter : adapter.parameters()) {
        parameter.addi(
            manager.randomNormal(0f, 0.05f, parameter.getShape(), parameter.getDataType()));
      }
      Path model = save(weights, dir.resolve("base"));
      adapter.save(dir.resolve("adapter"));
      float[] adapted =
          new LlamaModel(weights, adapter.on(weights))
              .forward(manager.create(IDS, new Shape(1, IDS.length)), null, false)
              .toFloatArray();
      float[] plain =
          new LlamaModel(weights)
              .forward(manager.create(IDS, new Shape(1, IDS.length)), null, false)
              .toFloatArray();

      JsonNode reference =
          referee(model.toString(), ids(), "--adapter", dir.resolve("adapter").toString());

      assertThat(maxAbsDiff(adapted, reference))
          .as("max |Lathe adapted - PEFT|")
          .isLessThan(TOLERANCE);
      assertThat(maxAbsDiff(plain, reference))
          .as("the adapter changes the logits")
          .isGreaterThan(1e-3f);
    }
  }

  @Test
  void shardedBfloat16CheckpointLoadsInTransformersAsInLathe() throws Exception {
    ModelConfig config = config("llama", RopeScaling.NONE, Optional.empty());
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 99, manager)) {
      Path model = dir.resolve("bf16");
      Files.createDirectories(model);
      Checkpoint.write(model, weights.toTensors(DType.BF16), 40_000);
      JSON.writeValue(model.resolve("config.json").toFile(), config.toJson());
      assertThat(model.resolve(Checkpoint.INDEX_FILE)).exists();
      try (LlamaWeights reloaded = LlamaWeights.load(config, Checkpoint.open(model), manager)) {
        float[] lathe =
            new LlamaModel(reloaded)
                .forward(manager.create(IDS, new Shape(1, IDS.length)), null, false)
                .toFloatArray();

        JsonNode reference = referee(model.toString(), ids());

        assertThat(maxAbsDiff(lathe, reference))
            .as("max |Lathe - transformers|, bf16 shards")
            .isLessThan(TOLERANCE);
      }
    }
  }
}
