package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.lathe.engine.config.ModelConfig;

/**
 * The decoder's forward pass at inference, shaped for few native calls per layer, since on small
 * batches each call's fixed cost, not arithmetic, is what a step spends: q/k/v and gate/up each in
 * one matmul ({@link Projections#queryKeyValue}, {@link Projections#gateUp}), rotary positions of q
 * and k together in four elementwise calls with the attention scale folded in and the mask laid out
 * for grouped queries, both built once per pass ({@link AttentionTables}), no transposes when a
 * step has one token per row (its layouts are already the attention's), attention over the KV
 * cache's whole arrays through views it keeps (no per-layer slices of the history, the mask hiding
 * the free capacity), the pass's shape kept rather than asked of arrays, elementwise steps in place
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
    Shape ids = tokenIds.getShape();
    Pass pass = new Pass((int) ids.get(0), (int) ids.get(1), cache);
    int past = cache == null ? 0 : cache.length();
    int width = cache == null ? pass.tokens : cache.capacityFor(past + pass.tokens);
    int headDim = config.headDim();
    AttentionTables tables =
        AttentionTables.of(
            config,
            rotary,
            model.causalMask(pass.tokens, past),
            pass.batch,
            pass.tokens,
            past,
            width,
            leftPadding);
    Shape rotation =
        new Shape(
            pass.batch,
            pass.tokens,
            config.numAttentionHeads() + config.numKeyValueHeads(),
            2,
            headDim / 2);
    pass.cos = manager.create(tables.cos, rotation);
    pass.sin = manager.create(tables.sin, rotation);
    pass.mask =
        manager.create(
            tables.mask,
            new Shape(
                (long) pass.batch * config.numKeyValueHeads(),
                (long) config.kvGroups() * pass.tokens,
                width));
    pass.epsilon = manager.create((float) config.rmsNormEps());
    pass.minusHalf = manager.create(-0.5f);

    NDArray hidden =
        weights
            .get("model.embed_tokens.weight")
            .get(tokenIds.flatten().toType(DataType.INT64, false))
            .reshape(pass.batch, pass.tokens, config.hiddenSize());
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      String prefix = "model.layers." + layer + ".";
      NDArray normed = rmsNorm(hidden, weights.get(prefix + "input_layernorm.weight"), pass);
      hidden.addi(attention(layer, normed, pass));
      normed = rmsNorm(hidden, weights.get(prefix + "post_attention_layernorm.weight"), pass);
      hidden.addi(mlp(layer, normed));
    }
    if (cache != null) {
      cache.advance(pass.tokens);
    }
    if (lastOnly && pass.tokens > 1) {
      hidden = hidden.get(new NDIndex(LAST));
    }
    hidden = rmsNorm(hidden, weights.get("model.norm.weight"), pass);
    return BaseProjections.linear(hidden, weights.outputProjection());
  }

  private NDArray attention(int layer, NDArray x, Pass pass) {
    long batch = pass.batch;
    long tokens = pass.tokens;
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int headDim = config.headDim();
    int groups = config.kvGroups();
    // Each head as its two halves, [batch, tokens, heads + 2 kvHeads, 2, headDim / 2]: q's heads,
    // then k's (which rotate together), then v's.
    NDList qkv =
        projections
            .queryKeyValue(layer, x)
            .reshape(batch, tokens, heads + 2L * kvHeads, 2, headDim / 2)
            .split(new long[] {heads + kvHeads}, 2);
    NDArray queryKey = qkv.get(0);
    NDList rotated =
        queryKey.mul(pass.cos).addi(queryKey.flip(3).muli(pass.sin)).split(new long[] {heads}, 2);
    // Each key/value head serves kvGroups consecutive query heads (transformers' repeat_kv): its
    // queries fold into the token axis and share it in one product, without copying the keys, and
    // rows and key/value heads fold into one batch axis, so that both products are bmm calls
    // (see batchedProduct). With one token per row, [batch, heads, headDim] already is that layout.
    long folded = batch * kvHeads;
    NDArray q;
    NDArray k;
    NDArray v;
    if (tokens == 1) {
      q = rotated.get(0).reshape(folded, groups, headDim);
      k = rotated.get(1).reshape(batch, kvHeads, 1, headDim);
      v = qkv.get(1).reshape(batch, kvHeads, 1, headDim);
    } else {
      q =
          rotated
              .get(0)
              .reshape(batch, tokens, heads, headDim)
              .transpose(0, 2, 1, 3)
              .reshape(folded, groups * tokens, headDim);
      k = rotated.get(1).reshape(batch, tokens, kvHeads, headDim).transpose(0, 2, 1, 3);
      v = qkv.get(1).reshape(batch, tokens, kvHeads, headDim).transpose(0, 2, 1, 3);
    }
    NDArray keysTransposed;
    NDArray values;
    if (pass.cache != null) {
      // The cache's whole arrays: positions after the history are zeros the mask hides.
      pass.cache.write(layer, k, v, pass.cache.length() + pass.tokens);
      NDArray[] whole = pass.cache.flattened(layer);
      keysTransposed = whole[0];
      values = whole[1];
    } else {
      keysTransposed = k.reshape(folded, tokens, headDim).transpose(0, 2, 1);
      values = v.reshape(folded, tokens, headDim);
    }
    NDArray attended =
        batchedProduct(batchedProduct(q, keysTransposed).addi(pass.mask).softmax(2), values);
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

  /**
   * libtorch's bmm for two 3-D arrays, called directly: NDArray.matMul first asks both arrays for
   * their shapes (two native calls) and then dispatches through torch's general matmul, which
   * together cost about as much CPU as the product itself at one query row.
   */
  private static NDArray batchedProduct(NDArray a, NDArray b) {
    return JniUtils.bmm((PtNDArray) a, (PtNDArray) b);
  }

  /**
   * What every layer of one pass shares: its shape, known here so that no layer asks an array for
   * it (a native call each time), the cache, and the arrays made once per pass rather than per
   * layer: the rotary factors of {@link AttentionTables}, its mask, and RMSNorm's ε and exponent
   * −½.
   */
  private static final class Pass {
    final int batch;
    final int tokens;
    final KvCache cache;
    NDArray cos;
    NDArray sin;
    NDArray mask;
    NDArray epsilon;
    NDArray minusHalf;

    Pass(int batch, int tokens, KvCache cache) {
      this.batch = batch;
      this.tokens = tokens;
      this.cache = cache;
    }
  }

  /**
   * x · (mean(x²) + ε)^−½ · weight over the last axis of [batch, tokens, hidden], as LlamaRMSNorm.
   */
  private static NDArray rmsNorm(NDArray x, NDArray weight, Pass pass) {
    NDArray inverse = x.square().mean(new int[] {2}, true).addi(pass.epsilon).powi(pass.minusHalf);
    return x.mul(inverse).muli(weight);
  }
}
