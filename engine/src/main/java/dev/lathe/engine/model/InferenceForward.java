package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import dev.lathe.engine.config.ModelConfig;

/**
 * The decoder's forward pass at inference, shaped for few native calls per layer, since on small
 * batches each call's fixed cost, not arithmetic, is what a step spends: q/k/v and gate/up each in
 * one matmul ({@link Projections#queryKeyValue}, {@link Projections#gateUp}), rotary positions of q
 * and k together in four elementwise calls with the attention scale folded in and the mask laid out
 * for grouped queries, both built once per pass ({@link AttentionTables}), no transposes when a
 * step has one token per row (its layouts are already the attention's), elementwise steps in place
 * where the input is a temporary, and no autograd bookkeeping. Computes what the training path
 * computes, as transformers does, within float32 rounding.
 */
final class InferenceForward {

  private static final String LAST = ":, -1:, :";

  private final LlamaModel model;
  private final ModelConfig config;
  private final LlamaWeights weights;
  private final Projections projections;
  private final RotaryEmbedding rotary;

  InferenceForward(LlamaModel model, Projections projections, RotaryEmbedding rotary) {
    this.model = model;
    this.config = model.config();
    this.weights = model.weights();
    this.projections = projections;
    this.rotary = rotary;
  }

  /** As {@link LlamaModel#forward}; with {@code lastOnly}, logits of the last position alone. */
  NDArray run(NDArray tokenIds, KvCache cache, int[] leftPadding, boolean lastOnly) {
    // Gradient mode is per thread in PyTorch; a server's decoding thread starts with it on.
    boolean gradients = JniUtils.isGradMode();
    if (gradients) {
      JniUtils.setGradMode(false);
    }
    try {
      return layers(tokenIds, cache, leftPadding, lastOnly);
    } finally {
      if (gradients) {
        JniUtils.setGradMode(true);
      }
    }
  }

  private NDArray layers(NDArray tokenIds, KvCache cache, int[] leftPadding, boolean lastOnly) {
    NDManager manager = tokenIds.getManager();
    int batch = (int) tokenIds.getShape().get(0);
    int tokens = (int) tokenIds.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    int headDim = config.headDim();
    AttentionTables tables =
        AttentionTables.of(
            config, rotary, model.causalMask(tokens, past), batch, tokens, past, leftPadding);
    Shape rotation =
        new Shape(
            batch, tokens, config.numAttentionHeads() + config.numKeyValueHeads(), 2, headDim / 2);
    Rotation rotate =
        new Rotation(manager.create(tables.cos, rotation), manager.create(tables.sin, rotation));
    NDArray mask =
        manager.create(
            tables.mask, new Shape(batch, 1, (long) config.kvGroups() * tokens, past + tokens));
    NormScalars norm =
        new NormScalars(manager.create((float) config.rmsNormEps()), manager.create(-0.5f));

    NDArray hidden =
        weights
            .get("model.embed_tokens.weight")
            .get(tokenIds.flatten().toType(DataType.INT64, false))
            .reshape(batch, tokens, config.hiddenSize());
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      String prefix = "model.layers." + layer + ".";
      NDArray normed = rmsNorm(hidden, weights.get(prefix + "input_layernorm.weight"), norm);
      hidden.addi(attention(layer, normed, rotate, mask, cache));
      normed = rmsNorm(hidden, weights.get(prefix + "post_attention_layernorm.weight"), norm);
      hidden.addi(mlp(layer, normed));
    }
    if (cache != null) {
      cache.advance(tokens);
    }
    if (lastOnly && tokens > 1) {
      hidden = hidden.get(new NDIndex(LAST));
    }
    hidden = rmsNorm(hidden, weights.get("model.norm.weight"), norm);
    return BaseProjections.linear(hidden, weights.outputProjection());
  }

  private NDArray attention(int layer, NDArray x, Rotation rotate, NDArray mask, KvCache cache) {
    long batch = x.getShape().get(0);
    long tokens = x.getShape().get(1);
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int headDim = config.headDim();
    int groups = config.kvGroups();
    // [batch, tokens, heads + 2 kvHeads, headDim]: q's heads, then k's, then v's.
    NDList qkv =
        projections
            .queryKeyValue(layer, x)
            .reshape(batch, tokens, heads + 2L * kvHeads, headDim)
            .split(new long[] {heads + kvHeads}, 2);
    // q's and k's heads, each as its two halves: [batch, tokens, heads + kvHeads, 2, headDim / 2].
    NDArray queryKey = qkv.get(0).reshape(batch, tokens, heads + kvHeads, 2, headDim / 2);
    NDList rotated =
        queryKey
            .mul(rotate.cos())
            .addi(queryKey.flip(3).muli(rotate.sin()))
            .reshape(batch, tokens, heads + kvHeads, headDim)
            .split(new long[] {heads}, 2);
    // Each key/value head serves kvGroups consecutive query heads (transformers' repeat_kv): its
    // queries fold into the token axis and share it in one matmul, without copying the keys. With
    // one token per row, [batch, 1, heads, headDim] already is that layout.
    NDArray q;
    NDArray k;
    NDArray v;
    if (tokens == 1) {
      q = rotated.get(0).reshape(batch, kvHeads, groups, headDim);
      k = rotated.get(1).reshape(batch, kvHeads, 1, headDim);
      v = qkv.get(1).reshape(batch, kvHeads, 1, headDim);
    } else {
      q = rotated.get(0).transpose(0, 2, 1, 3).reshape(batch, kvHeads, groups * tokens, headDim);
      k = rotated.get(1).transpose(0, 2, 1, 3);
      v = qkv.get(1).transpose(0, 2, 1, 3);
    }
    if (cache != null) {
      NDArray[] history = cache.append(layer, k, v);
      k = history[0];
      v = history[1];
    }
    NDArray attended = q.matMul(k.transpose(0, 1, 3, 2)).addi(mask).softmax(3).matMul(v);
    attended =
        tokens == 1
            ? attended.reshape(batch, 1, (long) heads * headDim)
            : attended
                .reshape(batch, heads, tokens, headDim)
                .transpose(0, 2, 1, 3)
                .reshape(batch, tokens, (long) heads * headDim);
    return projections.apply(layer, "self_attn.o_proj", attended, false);
  }

  private NDArray mlp(int layer, NDArray x) {
    NDList gateUp = projections.gateUp(layer, x).split(2, 2);
    NDArray gate = gateUp.get(0);
    NDArray activated = Activation.sigmoid(gate).muli(gate).muli(gateUp.get(1));
    return projections.apply(layer, "mlp.down_proj", activated, false);
  }

  /** The rotary factors of {@link AttentionTables}, made once per pass. */
  private record Rotation(NDArray cos, NDArray sin) {}

  /** ε and the exponent −½, made once per pass rather than as a scalar array per call. */
  private record NormScalars(NDArray epsilon, NDArray minusHalf) {}

  /** x · (mean(x²) + ε)^−½ · weight over the last axis, as transformers' LlamaRMSNorm. */
  private static NDArray rmsNorm(NDArray x, NDArray weight, NormScalars scalars) {
    NDArray inverse =
        x.square()
            .mean(new int[] {x.getShape().dimension() - 1}, true)
            .addi(scalars.epsilon())
            .powi(scalars.minusHalf());
    return x.mul(inverse).muli(weight);
  }
}
