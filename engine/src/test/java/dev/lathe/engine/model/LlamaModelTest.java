package dev.lathe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.config.RopeScaling;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {

  static ModelConfig tiny(Optional<Integer> slidingWindow) {
    return new ModelConfig(
        slidingWindow.isPresent() ? "mistral" : "llama",
        128,
        32,
        64,
        2,
        4,
        2,
        8,
        64,
        1e-5,
        10000.0,
        RopeScaling.NONE,
        slidingWindow,
        false,
        Optional.of(1),
        List.of(2),
        "float32");
  }

  @Test
  void cachedStepByStepForwardGivesTheLogitsOfTheFullForward() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(tiny(Optional.of(3)), 11, manager)) {
      LlamaModel model = new LlamaModel(weights);
      long[] ids = {5, 17, 99, 3, 42, 7};
      NDArray full = model.forward(manager.create(ids, new Shape(1, ids.length)), null, false);
      assertThat(full.getShape()).isEqualTo(new Shape(1, 6, 128));

      try (KvCache cache = new KvCache(manager, 2)) {
        NDArray prompt =
            model.forward(manager.create(new long[] {5, 17, 99, 3}, new Shape(1, 4)), cache, false);
        float[] expectedPrompt = full.get(new NDIndex(":, 0:4, :")).toFloatArray();
        float[] actualPrompt = prompt.toFloatArray();
        for (int i = 0; i < expectedPrompt.length; i++) {
          assertThat(actualPrompt[i]).isCloseTo(expectedPrompt[i], within(1e-5f));
        }
        for (int step = 4; step < 6; step++) {
          NDArray next =
              model.forward(manager.create(new long[] {ids[step]}, new Shape(1, 1)), cache, false);
          float[] expected = full.get(new NDIndex(":, " + step + ", :")).toFloatArray();
          float[] actual = next.toFloatArray();
          for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i])
                .as("position %d logit %d", step, i)
                .isCloseTo(expected[i], within(1e-5f));
          }
        }
        assertThat(cache.length()).isEqualTo(6);
      }
    }
  }

  @Test
  void aCacheGrowingPastItsCapacityStillGivesTheLogitsOfTheFullForward() {
    int positions = 2 * KvCache.INITIAL_CAPACITY + 9;
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(tiny(Optional.empty()), 13, manager)) {
      LlamaModel model = new LlamaModel(weights);
      long[] ids = new long[positions];
      for (int i = 0; i < positions; i++) {
        ids[i] = (i * 37 + 11) % 128;
      }
      NDArray full = model.forward(manager.create(ids, new Shape(1, positions)), null, false);
      try (KvCache cache = new KvCache(manager, 2)) {
        model.forward(manager.create(new long[] {ids[0], ids[1]}, new Shape(1, 2)), cache, false);
        for (int step = 2; step < positions; step++) {
          float[] actual =
              model
                  .forward(manager.create(new long[] {ids[step]}, new Shape(1, 1)), cache, false)
                  .toFloatArray();
          if (step == KvCache.INITIAL_CAPACITY
              || step == 2 * KvCache.INITIAL_CAPACITY
              || step == positions - 1) {
            float[] expected = full.get(new NDIndex(":, " + step + ", :")).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
              assertThat(actual[i])
                  .as("position %d logit %d", step, i)
                  .isCloseTo(expected[i], within(1e-4f));
            }
          }
        }
        assertThat(cache.length()).isEqualTo(positions);
        assertThat(cache.capacity()).isEqualTo(4 * KvCache.INITIAL_CAPACITY);
      }
    }
  }

  @Test
  void slidingWindowHidesPositionsOlderThanTheWindow() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(tiny(Optional.of(2)), 1, manager)) {
      float[] mask = new LlamaModel(weights).causalMask(3, 0);
      // Row i sees j = i-1 and i only.
      assertThat(mask)
          .containsExactly(
              0f,
              -Float.MAX_VALUE,
              -Float.MAX_VALUE,
              0f,
              0f,
              -Float.MAX_VALUE,
              -Float.MAX_VALUE,
              0f,
              0f);
    }
  }

  @Test
  void weightsSurviveASafetensorsRoundTrip(@TempDir Path dir) {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(tiny(Optional.empty()), 3, manager)) {
      Checkpoint.write(dir, weights.toTensors(DType.F32), Long.MAX_VALUE);
      try (LlamaWeights loaded =
          LlamaWeights.load(weights.config(), Checkpoint.open(dir), manager)) {
        NDArray ids = manager.create(new long[] {1, 2, 3}, new Shape(1, 3));
        assertThat(new LlamaModel(loaded).forward(ids, null, false).toFloatArray())
            .containsExactly(new LlamaModel(weights).forward(ids, null, false).toFloatArray());
      }
    }
  }

  @Test
  void theInferencePassGivesTheLogitsOfTheTrainingPass() {
    // Grouped-query attention (4 heads, 2 key/value heads) with a sliding window and a padded row.
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(tiny(Optional.of(3)), 21, manager)) {
      LlamaModel model = new LlamaModel(weights);
      NDArray ids = manager.create(new long[] {5, 17, 99, 3, 42, 0, 0, 7, 8, 9}, new Shape(2, 5));
      int[] padding = {0, 2};
      float[] training = model.forward(ids, null, padding, true).toFloatArray();
      float[] inference = model.forward(ids, null, padding, false).toFloatArray();
      assertClose(inference, training, 1e-5f);
      float[] last = model.lastLogits(ids, null, padding).toFloatArray();
      int vocab = weights.config().vocabSize();
      for (int row = 0; row < 2; row++) {
        for (int i = 0; i < vocab; i++) {
          assertThat(last[row * vocab + i])
              .isCloseTo(inference[(row * 5 + 4) * vocab + i], within(1e-6f));
        }
      }
    }
  }

  @Test
  void fusedProjectionsGiveTheLogitsOfSeparateOnesAndSaveTheSameWeights(@TempDir Path dir) {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights separate = LlamaWeights.random(tiny(Optional.empty()), 4, manager);
        LlamaWeights fused = LlamaWeights.random(tiny(Optional.empty()), 4, manager)) {
      fused.fuseProjections();
      fused.fuseProjections();
      NDArray ids = manager.create(new long[] {1, 2, 3, 60}, new Shape(1, 4));
      assertClose(
          new LlamaModel(fused).forward(ids, null, false).toFloatArray(),
          new LlamaModel(separate).forward(ids, null, false).toFloatArray(),
          1e-6f);
      Checkpoint.write(dir, fused.toTensors(DType.F32), Long.MAX_VALUE);
      try (LlamaWeights loaded = LlamaWeights.load(fused.config(), Checkpoint.open(dir), manager)) {
        for (String name : LlamaWeights.expectedShapes(fused.config()).keySet()) {
          assertThat(loaded.get(name).toFloatArray())
              .as(name)
              .containsExactly(separate.get(name).toFloatArray());
        }
      }
    }
  }

  @Test
  void aWeightReplacedAfterFusingIsWhatInferenceComputesWith() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights separate = LlamaWeights.random(tiny(Optional.empty()), 6, manager);
        LlamaWeights fused = LlamaWeights.random(tiny(Optional.empty()), 6, manager)) {
      fused.fuseProjections();
      String name = "model.layers.1.self_attn.k_proj.weight";
      NDArray changed = separate.get(name).mul(3f);
      separate.replace(name, changed.duplicate());
      fused.replace(name, changed);
      NDArray ids = manager.create(new long[] {9, 8, 7}, new Shape(1, 3));
      assertClose(
          new LlamaModel(fused).forward(ids, null, false).toFloatArray(),
          new LlamaModel(separate).forward(ids, null, false).toFloatArray(),
          1e-6f);
    }
  }

  private static void assertClose(float[] actual, float[] expected, float tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(tolerance));
    }
  }
}
