package dev.lathe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * Sequences that started at different times, their caches merged left-padded into one batch, get
 * the logits each would get alone: what continuous batching relies on.
 */
class LeftPaddedBatchTest {

  private static final ModelConfig CONFIG = ModelConfig.llama(40, 16, 32, 2, 4, 2, 64);

  @Test
  void mergedCachesDecodeEachRowAsItWouldAlone() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(CONFIG, 5, manager)) {
      LlamaModel model = new LlamaModel(weights);
      long[] first = {3, 7, 9, 11, 2};
      long[] second = {5, 8};
      long[] third = {12, 13, 14};
      float[] expectedFirst = alone(model, manager, first, 4);
      float[] expectedSecond = alone(model, manager, second, 21);
      float[] expectedThird = alone(model, manager, third, 33);

      try (KvCache batch = prefill(model, manager, first);
          KvCache other = prefill(model, manager, second);
          KvCache dropped = prefill(model, manager, third)) {
        batch.appendRows(other);
        batch.appendRows(dropped);
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(batch.length()).isEqualTo(5);
        // Keep the first two rows: the third sequence finished.
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          batch.keepRows(new int[] {0, 1});
        }
        int[] padding = {0, 3};
        float[] logits;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray out =
              model.forward(
                  manager.create(new long[] {4, 21}, new Shape(2, 1)), batch, padding, false);
          logits = out.toFloatArray();
        }
        assertClose(slice(logits, 0), expectedFirst);
        assertClose(slice(logits, 1), expectedSecond);

        // Once the long row is gone, the short one's padding can go too.
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          batch.keepRows(new int[] {1}, 3);
        }
        assertThat(batch.length()).isEqualTo(3);
      }
    }
  }

  @Test
  void keepingRowsWithoutTheirLeadingPaddingDecodesTheKeptRowAsItWouldAlone() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(CONFIG, 5, manager)) {
      LlamaModel model = new LlamaModel(weights);
      long[] longer = {3, 7, 9, 11, 2};
      long[] shorter = {5, 8};
      float[] expected = alone(model, manager, shorter, 21);
      try (KvCache batch = prefill(model, manager, longer);
          KvCache other = prefill(model, manager, shorter)) {
        batch.appendRows(other);
        int capacity = batch.capacity();
        // The longer sequence finished: the shorter one keeps its 2 positions, not the 3 padding.
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          batch.keepRows(new int[] {1}, 3);
        }
        assertThat(batch.rows()).isEqualTo(1);
        assertThat(batch.length()).isEqualTo(2);
        assertThat(batch.capacity()).isEqualTo(capacity - 3);
        float[] logits;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          logits =
              model
                  .forward(manager.create(new long[] {21}, new Shape(1, 1)), batch, false)
                  .toFloatArray();
        }
        assertClose(logits, expected);
      }
    }
  }

  @Test
  void droppingMoreLeadingPositionsThanAreCachedIsRefused() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(CONFIG, 5, manager);
        KvCache cache = prefill(new LlamaModel(weights), manager, new long[] {3, 7})) {
      assertThatThrownBy(() -> cache.keepRows(new int[] {0}, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot drop 3 leading positions of 2 cached");
    }
  }

  private static float[] slice(float[] logits, int row) {
    float[] out = new float[CONFIG.vocabSize()];
    System.arraycopy(logits, row * CONFIG.vocabSize(), out, 0, out.length);
    return out;
  }

  private static void assertClose(float[] actual, float[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4f));
    }
  }

  private static KvCache prefill(LlamaModel model, NDManager manager, long[] tokens) {
    KvCache cache = new KvCache(manager, CONFIG.numHiddenLayers());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      model.forward(manager.create(tokens, new Shape(1, tokens.length)), cache, false);
    }
    return cache;
  }

  /** The logits of {@code next} after {@code prompt}, one sequence alone. */
  private static float[] alone(LlamaModel model, NDManager manager, long[] prompt, long next) {
    try (KvCache cache = prefill(model, manager, prompt);
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return model
          .forward(manager.create(new long[] {next}, new Shape(1, 1)), cache, false)
          .toFloatArray();
    }
  }
}
