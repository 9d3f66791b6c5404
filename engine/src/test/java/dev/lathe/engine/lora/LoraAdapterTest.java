package dev.lathe.engine.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {

  private static final ModelConfig MODEL = ModelConfig.llama(96, 32, 48, 2, 4, 2, 64);
  private static final LoraConfig LORA =
      new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "down_proj"), "tiny-llama");

  /** Gives every B values, as training would, so the adapter changes the output. */
  private static void train(LoraAdapter adapter, NDManager manager) {
    for (NDArray parameter : adapter.parameters()) {
      parameter.addi(
          manager.randomNormal(0f, 0.05f, parameter.getShape(), parameter.getDataType()));
    }
  }

  private static float[] logits(LlamaModel model, NDManager manager) {
    return model
        .forward(manager.create(new long[] {3, 1, 4, 1, 5}, new Shape(1, 5)), null, false)
        .toFloatArray();
  }

  @Test
  void newAdapterStartsAsTheBaseModelExactly() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(MODEL, 5, manager);
        LoraAdapter adapter = LoraAdapter.initialise(LORA, MODEL, 6, manager)) {
      assertThat(logits(new LlamaModel(weights, adapter.on(weights)), manager))
          .containsExactly(logits(new LlamaModel(weights), manager));
    }
  }

  @Test
  void adapterSavedInPeftLayoutLoadsBackAndMergesIntoTheBase(@TempDir Path dir) {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(MODEL, 5, manager);
        LoraAdapter adapter = LoraAdapter.initialise(LORA, MODEL, 6, manager)) {
      train(adapter, manager);
      float[] adapted = logits(new LlamaModel(weights, adapter.on(weights)), manager);
      assertThat(adapted).isNotEqualTo(logits(new LlamaModel(weights), manager));

      adapter.save(dir);
      assertThat(SafetensorsFile.read(dir.resolve(LoraAdapter.WEIGHTS_FILE)).tensors().keySet())
          .contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")
          .hasSize(2 * 2 * 3);
      assertThat(
              SafetensorsFile.read(dir.resolve(LoraAdapter.WEIGHTS_FILE))
                  .tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
                  .shape())
          .containsExactly(4, 32);
      try (LoraAdapter loaded = LoraAdapter.load(dir, MODEL, manager)) {
        assertThat(loaded.config()).isEqualTo(LORA);
        assertThat(logits(new LlamaModel(weights, loaded.on(weights)), manager))
            .containsExactly(adapted);
        loaded.mergeInto(weights);
      }
      float[] merged = logits(new LlamaModel(weights), manager);
      for (int i = 0; i < adapted.length; i++) {
        assertThat(merged[i]).isCloseTo(adapted[i], within(1e-5f));
      }
    }
  }
}
