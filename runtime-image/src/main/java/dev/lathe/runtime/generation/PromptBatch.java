package dev.lathe.runtime.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.KvCache;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.runtime.model.ServedBase;
import java.util.List;

/**
 * Prompts that arrived together, prefilled as one left-padded batch in a shared cache, a chunk of
 * positions per call, so that a long prompt is spread over several calls between which the running
 * streams decode. Each row has its own adapter, and its real tokens take positions from 0.
 */
final class PromptBatch implements AutoCloseable {

  private final ServedBase base;
  private final NDManager manager;
  private final List<Generation> generations;
  private final LoraAdapter[] adapters;
  private final long[][] ids;
  private final int[] padding;
  private final int width;
  private final KvCache cache;
  private float[] lastLogits;

  PromptBatch(ServedBase base, NDManager manager, List<Generation> generations) {
    this.base = base;
    this.manager = manager;
    this.generations = List.copyOf(generations);
    int rows = generations.size();
    this.adapters = new LoraAdapter[rows];
    this.ids = new long[rows][];
    this.padding = new int[rows];
    int longest = 0;
    for (Generation generation : generations) {
      longest = Math.max(longest, generation.prompt().length);
    }
    this.width = longest;
    for (int r = 0; r < rows; r++) {
      Generation generation = generations.get(r);
      int[] prompt = generation.prompt();
      padding[r] = longest - prompt.length;
      ids[r] = new long[longest];
      for (int i = 0; i < prompt.length; i++) {
        ids[r][padding[r] + i] = prompt[i];
      }
      adapters[r] = generation.adapter().map(a -> a.adapter()).orElse(null);
    }
    this.cache = new KvCache(manager, base.config().numHiddenLayers());
  }

  List<Generation> generations() {
    return generations;
  }

  int rows() {
    return generations.size();
  }

  /** Left padding of each row, in positions of {@link #cache()}. */
  int[] padding() {
    return padding.clone();
  }

  KvCache cache() {
    return cache;
  }

  boolean complete() {
    return cache.length() == width;
  }

  /**
   * Prefills the next positions of every row, at most {@code tokenBudget} tokens in all (padding
   * included, at least one position), and returns whether the prompts are now complete.
   */
  boolean prefillChunk(int tokenBudget) {
    int rows = rows();
    int start = cache.length();
    int positions = Math.max(1, Math.min(width - start, tokenBudget / rows));
    long[] chunk = new long[rows * positions];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(ids[r], start, chunk, r * positions, positions);
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      LlamaModel model =
          new LlamaModel(base.weights(), new BatchProjections(base.weights(), adapters));
      NDArray ids = manager.create(chunk, new Shape(rows, positions));
      // Only the last position's logits are ever sampled, and only once the prompts are complete.
      NDArray logits = model.lastLogits(ids, cache, padding);
      if (start + positions == width) {
        lastLogits = logits.toFloatArray();
      }
    }
    return complete();
  }

  /** Logits [rows × vocab] after each row's last prompt token, once complete. */
  float[] lastLogits() {
    if (lastLogits == null) {
      throw new IllegalStateException("the prompts are not prefilled yet");
    }
    return lastLogits;
  }

  @Override
  public void close() {
    cache.close();
  }
}
