package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * The linear projections of the decoder's layers (q/k/v/o, gate/up/down), computed as x · Wᵀ, plus
 * whatever an adapter adds to them.
 */
@FunctionalInterface
public interface Projections {

  /** The projection {@code module} (e.g. "self_attn.q_proj") of {@code layer} applied to x. */
  NDArray apply(int layer, String module, NDArray x, boolean training);

  /** The base weights alone. */
  static Projections plain(LlamaWeights weights) {
    return (layer, module, x, training) ->
        x.matMul(weights.get("model.layers." + layer + "." + module + ".weight").transpose());
  }
}
