package dev.lathe.runtime.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows of one batch, each with its own adapter (or none), on fused base weights, get the logits the
 * engine computes for each alone with that adapter on unfused weights: the fused q/k/v and gate/up
 * matmuls keep every adapter's updates, also for modules an adapter does not touch.
 */
class BatchProjectionsTest {

  private static final ModelConfig MODEL = ModelConfig.llama(96, 32, 48, 2, 4, 2, 64);
  private static final long[] PROMPT = {3, 1, 4, 1, 5};

  @Test
  void eachRowOnFusedWeightsGetsWhatItsAdapterGivesItAlone() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights plain = LlamaWeights.random(MODEL, 7, manager);
        LlamaWeights fused = LlamaWeights.random(MODEL, 7, manager);
        LoraAdapter attentionOnly = trained(List.of("q_proj", "v_proj"), 1, manager);
        LoraAdapter everywhere =
            trained(
                List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "down_proj"),
                2,
                manager)) {
      fused.fuseProjections();
      LoraAdapter[] rows = {attentionOnly, null, everywhere, attentionOnly};
      float[] batch;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long[] ids = new long[rows.length * PROMPT.length];
        for (int r = 0; r < rows.length; r++) {
          System.arraycopy(PROMPT, 0, ids, r * PROMPT.length, PROMPT.length);
        }
        batch =
            new LlamaModel(fused, new BatchProjections(fused, rows))
                .forward(manager.create(ids, new Shape(rows.length, PROMPT.length)), null, false)
                .toFloatArray();
      }
      int width = PROMPT.length * MODEL.vocabSize();
      for (int r = 0; r < rows.length; r++) {
        LlamaModel alone =
            rows[r] == null ? new LlamaModel(plain) : new LlamaModel(plain, rows[r].on(plain));
        float[] expected;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          expected =
              alone
                  .forward(manager.create(PROMPT, new Shape(1, PROMPT.length)), null, false)
                  .toFloatArray();
        }
        for (int i = 0; i < width; i++) {
          assertThat(batch[r * width + i])
              .as("row %d logit %d", r, i)
              .isCloseTo(expected[i], within(1e-5f));
        }
      }
      assertThat(distinct(batch, width, 0, 1)).isTrue();
      assertThat(distinct(batch, width, 0, 2)).isTrue();
    }
  }

  /** An adapter whose B is not zero, as after training, so that it changes what it touches. */
  private static LoraAdapter trained(List<String> targets, long seed, NDManager manager) {
    LoraAdapter adapter =
        LoraAdapter.initialise(new LoraConfig(4, 8, 0, targets, "tiny"), MODEL, seed, manager);
    for (NDArray parameter : adapter.parameters()) {
      parameter.addi(manager.randomNormal(0f, 0.2f, parameter.getShape(), parameter.getDataType()));
    }
    return adapter;
  }

  private static boolean distinct(float[] logits, int width, int a, int b) {
    for (int i = 0; i < width; i++) {
      if (Math.abs(logits[a * width + i] - logits[b * width + i]) > 1e-3f) {
        return true;
      }
    }
    return false;
  }
}
