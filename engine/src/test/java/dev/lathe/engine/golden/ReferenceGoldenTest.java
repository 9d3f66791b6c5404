package dev.lathe.engine.golden;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.generation.GreedyDecoder;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by the reference libraries themselves (safetensors, transformers 5.24, PEFT 0.21,
 * see engine/referee/make_golden.py) read in Lathe as they read there: tensor values bit for bit,
 * and a Llama and a bfloat16 Mistral (sliding window 3) giving transformers' logits and greedy
 * tokens, with and without a LoRA adapter. The same checks as the referee, without its venv.
 */
class ReferenceGoldenTest {

  private static final Path GOLDEN = Path.of("referee", "golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void safetensorsWrittenByTheReferenceLibraryReadBackBitForBit() throws Exception {
    JsonNode expected = JSON.readTree(GOLDEN.resolve("safetensors/dtypes.expected.json").toFile());
    SafetensorsFile file = SafetensorsFile.read(GOLDEN.resolve("safetensors/dtypes.safetensors"));

    for (String name : List.of("f32", "f16", "bf16", "specials_f16", "scalar_f32", "empty_f32")) {
      float[] values = file.tensor(name).toFloats();
      JsonNode bits = expected.path("tensors").path(name).path("values");
      assertThat(values).as(name).hasSize(bits.size());
      for (int i = 0; i < values.length; i++) {
        JsonNode value = bits.get(i);
        if (value.isTextual()) {
          // nan, inf and -inf are written as strings
          assertThat(Float.toString(values[i]).toLowerCase().replace("infinity", "inf"))
              .as("%s[%d]", name, i)
              .isEqualTo(value.asText().toLowerCase());
        } else {
          assertThat(values[i]).as("%s[%d]", name, i).isEqualTo((float) value.asDouble());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-micro", "mistral-micro-bf16"})
  void transformersLogitsAndGreedyTokensAreReproduced(String model) throws Exception {
    Path dir = GOLDEN.resolve(model);
    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(dir), manager)) {
      LlamaModel lathe = new LlamaModel(weights);
      assertCloseLogits(
          lathe,
          manager,
          expected.path("ids"),
          expected.path("logits"),
          expected.path("tolerance_abs").asDouble());
      assertThat(
              GreedyDecoder.generate(
                  lathe,
                  ints(expected.path("generate_prompt")),
                  expected.path("generated").size(),
                  List.of()))
          .containsExactly(ints(expected.path("generated")));
    }
  }

  @Test
  void peftAdapterLogitsAndTokensAreReproduced() throws Exception {
    Path dir = GOLDEN.resolve("llama-micro");
    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(dir), manager);
        LoraAdapter adapter =
            LoraAdapter.load(GOLDEN.resolve("llama-micro-lora"), config, manager)) {
      LlamaModel lathe = new LlamaModel(weights, adapter.on(weights));
      assertCloseLogits(
          lathe,
          manager,
          expected.path("ids"),
          expected.path("lora_logits"),
          expected.path("tolerance_abs").asDouble());
      assertThat(
              GreedyDecoder.generate(
                  lathe,
                  ints(expected.path("generate_prompt")),
                  expected.path("lora_generated").size(),
                  List.of()))
          .containsExactly(ints(expected.path("lora_generated")));
    }
  }

  private static void assertCloseLogits(
      LlamaModel model, NDManager manager, JsonNode ids, JsonNode logits, double tolerance) {
    long[] tokens = new long[ids.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = ids.get(i).asLong();
    }
    float[] actual =
        model
            .forward(manager.create(tokens, new Shape(1, tokens.length)), null, false)
            .toFloatArray();
    int vocab = logits.get(0).size();
    double max = 0;
    for (int t = 0; t < tokens.length; t++) {
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, Math.abs(actual[t * vocab + v] - logits.get(t).get(v).asDouble()));
      }
    }
    assertThat(max).as("max |Lathe - transformers|").isLessThan(tolerance);
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }
}
