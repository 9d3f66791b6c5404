package dev.lathe.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Next-token cross entropy over a right-padded batch: the mean, over marked targets only, of −log
 * p(token[i] | tokens[<i]). Padding is never a target, and since it comes after every real token,
 * the causal mask keeps real tokens from attending to it.
 */
public final class CausalLmLoss {

  private CausalLmLoss() {}

  /** Token ids [batch, length] of the examples, padded with {@code padId}. */
  public static NDArray inputs(NDManager manager, List<TrainingExample> batch, int padId) {
    int length = batch.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
    long[] ids = new long[batch.size() * length];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < batch.size(); b++) {
      int[] tokens = batch.get(b).tokens();
      for (int t = 0; t < tokens.length; t++) {
        ids[b * length + t] = tokens[t];
      }
    }
    return manager.create(ids, new Shape(batch.size(), length));
  }

  /** The loss for logits [batch, length, vocab] computed from {@link #inputs}. */
  public static NDArray loss(NDArray logits, List<TrainingExample> batch) {
    NDManager manager = logits.getManager();
    long length = logits.getShape().get(1);
    int predicted = (int) length - 1;
    long[] labels = new long[batch.size() * predicted];
    float[] mask = new float[batch.size() * predicted];
    float count = 0;
    for (int b = 0; b < batch.size(); b++) {
      TrainingExample example = batch.get(b);
      for (int t = 0; t < predicted; t++) {
        int target = t + 1;
        if (target < example.tokens().length && example.targets()[target]) {
          labels[b * predicted + t] = example.tokens()[target];
          mask[b * predicted + t] = 1f;
          count++;
        }
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("the batch has no target tokens");
    }
    NDArray logProbs = logits.get(":, 0:" + predicted + ", :").logSoftmax(2);
    NDArray labelArray =
        manager.create(labels, new Shape(batch.size(), predicted, 1)).toType(DataType.INT64, false);
    NDArray picked = logProbs.gather(labelArray, 2).reshape(batch.size(), predicted);
    NDArray weights = manager.create(mask, new Shape(batch.size(), predicted));
    return picked.mul(weights).sum().neg().div(manager.create(count));
  }
}
