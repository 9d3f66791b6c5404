package dev.lathe.engine.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.model.KvCache;
import dev.lathe.engine.model.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding with the KV cache: the prompt is run once, then one token at a time, each step
 * attending to the cached past; stops at an end-of-sequence token or after {@code maxNewTokens}.
 */
public final class GreedyDecoder {

  private GreedyDecoder() {}

  public static int[] generate(
      LlamaModel model, int[] prompt, int maxNewTokens, List<Integer> stopIds) {
    List<Integer> generated = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        KvCache cache = new KvCache(manager, model.config().numHiddenLayers())) {
      long[] next = new long[prompt.length];
      for (int i = 0; i < prompt.length; i++) {
        next[i] = prompt[i];
      }
      for (int step = 0; step < maxNewTokens; step++) {
        int token;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray logits =
              model.forward(manager.create(next, new Shape(1, next.length)), cache, false);
          NDArray last = logits.get(":, -1, :").reshape(-1);
          token = (int) last.argMax().getLong();
        }
        if (stopIds.contains(token)) {
          break;
        }
        generated.add(token);
        next = new long[] {token};
      }
    }
    return generated.stream().mapToInt(Integer::intValue).toArray();
  }
}
