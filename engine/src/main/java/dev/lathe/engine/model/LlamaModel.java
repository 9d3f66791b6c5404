package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.lathe.engine.config.ModelConfig;

/**
 * The Llama-family decoder: token embeddings, then per layer RMSNorm → grouped-query self-attention
 * with rotary positions (causal, optionally within a sliding window) → residual → RMSNorm → SwiGLU
 * MLP → residual, then a final RMSNorm and the output projection. Every step follows Hugging Face's
 * LlamaForCausalLM in float32, so logits agree with it.
 */
public final class LlamaModel {

  private final ModelConfig config;
  private final LlamaWeights weights;
  private final RotaryEmbedding rotary;
  private final Projections projections;

  public LlamaModel(LlamaWeights weights) {
    this(weights, Projections.plain(weights));
  }

  /** A model whose linear projections may carry adapters (LoRA). */
  public LlamaModel(LlamaWeights weights, Projections projections) {
    this.config = weights.config();
    this.weights = weights;
    this.rotary = new RotaryEmbedding(config);
    this.projections = projections;
  }

  public ModelConfig config() {
    return config;
  }

  public LlamaWeights weights() {
    return weights;
  }

  /**
   * Logits [batch, tokens, vocab] for token ids [batch, tokens]. With a cache, the tokens continue
   * what it holds and it is extended; without one, they start at position 0.
   */
  public NDArray forward(NDArray tokenIds, KvCache cache, boolean training) {
    return forward(tokenIds, cache, null, training);
  }

  /**
   * Logits for a batch of sequences of different lengths, left-padded to a common length: row b's
   * first {@code leftPadding[b]} positions (counted from the cache's start) are padding, which no
   * token attends to, and its real tokens take positions from 0. This is how sequences that started
   * at different times share one cache and one forward pass (continuous batching).
   */
  public NDArray forward(NDArray tokenIds, KvCache cache, int[] leftPadding, boolean training) {
    requireRowPerSequence(tokenIds, leftPadding);
    if (!training) {
      return new InferenceForward(this, projections, rotary)
          .run(tokenIds, cache, leftPadding, false);
    }
    return trainingForward(tokenIds, cache, leftPadding);
  }

  /**
   * Logits [batch, 1, vocab] of the last position only, at inference, as {@link #forward(NDArray,
   * KvCache, int[], boolean)} computes them: what prefilling a prompt needs, without the output
   * projection of every prompt position.
   */
  public NDArray lastLogits(NDArray tokenIds, KvCache cache, int[] leftPadding) {
    requireRowPerSequence(tokenIds, leftPadding);
    return new InferenceForward(this, projections, rotary).run(tokenIds, cache, leftPadding, true);
  }

  private static void requireRowPerSequence(NDArray tokenIds, int[] leftPadding) {
    if (leftPadding != null && leftPadding.length != tokenIds.getShape().get(0)) {
      throw new IllegalArgumentException(
          "leftPadding has "
              + leftPadding.length
              + " rows, the batch "
              + tokenIds.getShape().get(0));
    }
  }

  /**
   * The forward pass that training backpropagates through: the projections as {@link
   * Projections#each} computes them (one matmul for q/k/v and one for gate/up where the weights are
   * fused), transformers' repeat_kv attention.
   */
  private NDArray trainingForward(NDArray tokenIds, KvCache cache, int[] leftPadding) {
    NDManager manager = tokenIds.getManager();
    long batch = tokenIds.getShape().get(0);
    int tokens = (int) tokenIds.getShape().get(1);
    int past = cache == null ? 0 : cache.length();

    NDArray hidden =
        weights
            .get("model.embed_tokens.weight")
            .get(tokenIds.flatten().toType(DataType.INT64, false))
            .reshape(batch, tokens, config.hiddenSize());
    NDArray cos;
    NDArray sin;
    // [batch, 1, 1, tokens, keys]: broadcast over key/value heads and the query heads they serve.
    NDArray mask;
    if (leftPadding == null) {
      float[][] table = rotary.table(past, tokens);
      cos = manager.create(table[0], new Shape(1, 1, tokens, config.headDim()));
      sin = manager.create(table[1], new Shape(1, 1, tokens, config.headDim()));
      mask = manager.create(causalMask(tokens, past), new Shape(1, 1, 1, tokens, past + tokens));
    } else {
      int rows = (int) batch;
      int width = tokens * config.headDim();
      float[] cosRows = new float[rows * width];
      float[] sinRows = new float[rows * width];
      int keys = past + tokens;
      float[] maskRows = new float[rows * tokens * keys];
      for (int b = 0; b < rows; b++) {
        float[][] table = rotary.table(past - leftPadding[b], tokens);
        System.arraycopy(table[0], 0, cosRows, b * width, width);
        System.arraycopy(table[1], 0, sinRows, b * width, width);
        float[] rowMask = causalMask(tokens, past);
        for (int t = 0; t < tokens; t++) {
          for (int j = 0; j < leftPadding[b] && j < keys; j++) {
            rowMask[t * keys + j] = -Float.MAX_VALUE;
          }
        }
        System.arraycopy(rowMask, 0, maskRows, b * tokens * keys, tokens * keys);
      }
      cos = manager.create(cosRows, new Shape(batch, 1, tokens, config.headDim()));
      sin = manager.create(sinRows, new Shape(batch, 1, tokens, config.headDim()));
      mask = manager.create(maskRows, new Shape(batch, 1, 1, tokens, keys));
    }

    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      String prefix = "model.layers." + layer + ".";
      NDArray normed = rmsNorm(hidden, weights.get(prefix + "input_layernorm.weight"));
      hidden = hidden.add(attention(layer, normed, cos, sin, mask, cache));
      normed = rmsNorm(hidden, weights.get(prefix + "post_attention_layernorm.weight"));
      hidden = hidden.add(mlp(layer, normed));
    }
    if (cache != null) {
      cache.advance(tokens);
    }
    hidden = rmsNorm(hidden, weights.get("model.norm.weight"));
    return hidden.matMul(weights.outputProjection().transpose());
  }

  private NDArray attention(
      int layer, NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
    long batch = x.getShape().get(0);
    long tokens = x.getShape().get(1);
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int headDim = config.headDim();
    NDList qkv = projections.each(layer, Projections.QUERY_KEY_VALUE, x, true);
    NDArray q = qkv.get(0).reshape(batch, tokens, heads, headDim).transpose(0, 2, 1, 3);
    NDArray k = qkv.get(1).reshape(batch, tokens, kvHeads, headDim).transpose(0, 2, 1, 3);
    NDArray v = qkv.get(2).reshape(batch, tokens, kvHeads, headDim).transpose(0, 2, 1, 3);
    q = rotate(q, cos, sin);
    k = rotate(k, cos, sin);
    if (cache != null) {
      NDArray[] history = cache.append(layer, k, v);
      k = history[0];
      v = history[1];
    }
    // Training keeps transformers' repeat_kv: backpropagating through the folded attention of
    // InferenceForward turned the loss into NaN within a few steps (FineTuningAccuracyIT).
    if (config.kvGroups() > 1) {
      k = k.repeat(1, config.kvGroups());
      v = v.repeat(1, config.kvGroups());
    }
    NDArray scale = x.getManager().create((float) (1.0 / Math.sqrt(headDim)));
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask.squeeze(2));
    NDArray attended = scores.softmax(3).matMul(v);
    NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * headDim);
    return projections.apply(layer, "self_attn.o_proj", merged, true);
  }

  private NDArray mlp(int layer, NDArray x) {
    NDList gateUp = projections.each(layer, Projections.GATE_UP, x, true);
    NDArray gate = gateUp.get(0);
    NDArray up = gateUp.get(1);
    NDArray activated = gate.mul(Activation.sigmoid(gate)).mul(up);
    return projections.apply(layer, "mlp.down_proj", activated, true);
  }

  /** x · rsqrt(mean(x²) + ε) · weight, over the last axis. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray epsilon = x.getManager().create((float) config.rmsNormEps());
    NDArray variance = x.square().mean(new int[] {x.getShape().dimension() - 1}, true);
    return x.div(variance.add(epsilon).sqrt()).mul(weight);
  }

  /** q·cos + rotate_half(q)·sin, where rotate_half(x) = [-x₂, x₁] for the two halves of x. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().getLastDimension() / 2;
    int last = x.getShape().dimension() - 1;
    ai.djl.ndarray.NDList halves = x.split(new long[] {half}, last);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), last);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * 0 where query position i (after {@code past} cached ones) may see key position j, a large
   * negative number elsewhere: j ≤ i, and with a sliding window also i − j < window.
   */
  float[] causalMask(int tokens, int past) {
    int keys = past + tokens;
    float[] mask = new float[tokens * keys];
    int window = config.slidingWindow().orElse(Integer.MAX_VALUE);
    for (int t = 0; t < tokens; t++) {
      int i = past + t;
      for (int j = 0; j < keys; j++) {
        boolean visible = j <= i && i - j < window;
        mask[t * keys + j] = visible ? 0f : -Float.MAX_VALUE;
      }
    }
    return mask;
  }
}
