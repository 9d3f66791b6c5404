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
}
