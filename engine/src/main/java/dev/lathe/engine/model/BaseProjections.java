package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;

/**
 * The base weights' projections: x · Wᵀ in one native call (torch's linear, no transposed view),
 * and q/k/v or gate/up as one matmul over their concatenated weights once the weights are fused.
 */
final class BaseProjections implements Projections {

  private final LlamaWeights weights;

  BaseProjections(LlamaWeights weights) {
    this.weights = weights;
  }

  @Override
  public NDArray apply(int layer, String module, NDArray x, boolean training) {
    // torch's linear is matmul(x, Wᵀ) itself, so training's gradients are those of x · Wᵀ.
    return linear(x, weights.get("model.layers." + layer + "." + module + ".weight"));
  }

  @Override
  public NDArray queryKeyValue(int layer, NDArray x) {
    NDArray fused = weights.fused(layer, QUERY_KEY_VALUE);
    return fused == null ? Projections.super.queryKeyValue(layer, x) : linear(x, fused);
  }

  @Override
  public NDArray gateUp(int layer, NDArray x) {
    NDArray fused = weights.fused(layer, GATE_UP);
    return fused == null ? Projections.super.gateUp(layer, x) : linear(x, fused);
  }

  /**
   * With fused weights, one matmul over the concatenated weights, split into each module's output
   * (views): backpropagation then computes x's gradient in one matmul too, instead of one per
   * module and the sums of their results.
   */
  @Override
  public NDList each(int layer, String[] modules, NDArray x, boolean training) {
    NDArray fused = weights.fused(layer, modules);
    if (fused == null) {
      return Projections.super.each(layer, modules, x, training);
    }
    long[] splits = new long[modules.length - 1];
    long end = 0;
    for (int i = 0; i < splits.length; i++) {
      end += weights.get("model.layers." + layer + "." + modules[i] + ".weight").getShape().get(0);
      splits[i] = end;
    }
    NDArray joined = linear(x, fused);
    return joined.split(splits, joined.getShape().dimension() - 1);
  }

  static NDArray linear(NDArray x, NDArray weight) {
    return Linear.linear(x, weight).singletonOrThrow();
  }
}
