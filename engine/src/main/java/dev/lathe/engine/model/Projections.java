package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The linear projections of the decoder's layers (q/k/v/o, gate/up/down), computed as x · Wᵀ, plus
 * whatever an adapter adds to them.
 */
public interface Projections {

  /** Modules whose outputs {@link #queryKeyValue} concatenates, in that order. */
  String[] QUERY_KEY_VALUE = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"};

  /** Modules whose outputs {@link #gateUp} concatenates, in that order. */
  String[] GATE_UP = {"mlp.gate_proj", "mlp.up_proj"};

  /** The projection {@code module} (e.g. "self_attn.q_proj") of {@code layer} applied to x. */
  NDArray apply(int layer, String module, NDArray x, boolean training);

  /**
   * q, k and v of {@code layer} for x at inference, concatenated on the last axis. Implementations
   * with fused weights answer it in one matmul; this default makes three and joins them.
   */
  default NDArray queryKeyValue(int layer, NDArray x) {
    return concatenated(layer, QUERY_KEY_VALUE, x);
  }

  /** gate and up of {@code layer} for x at inference, concatenated on the last axis. */
  default NDArray gateUp(int layer, NDArray x) {
    return concatenated(layer, GATE_UP, x);
  }

  /**
   * The projections {@code modules} (QUERY_KEY_VALUE or GATE_UP) of {@code layer} applied to x, one
   * array each, in that order, as {@link #apply} computes them: what training backpropagates
   * through. Implementations with fused weights compute the base's part in one matmul.
   */
  default NDList each(int layer, String[] modules, NDArray x, boolean training) {
    return applied(layer, modules, x, training);
  }

  private NDArray concatenated(int layer, String[] modules, NDArray x) {
    return NDArrays.concat(applied(layer, modules, x, false), -1);
  }

  /** {@link #apply} of each module in turn, never fused: what both defaults start from. */
  private NDList applied(int layer, String[] modules, NDArray x, boolean training) {
    NDList outputs = new NDList(modules.length);
    for (String module : modules) {
      outputs.add(apply(layer, module, x, training));
    }
    return outputs;
  }

  /** The base weights alone, fused where {@link LlamaWeights#fuseProjections()} fused them. */
  static Projections plain(LlamaWeights weights) {
    return new BaseProjections(weights);
  }
}
