package dev.lathe.engine.model;

import dev.lathe.engine.config.ModelConfig;

/**
 * What every layer of one inference pass shares, computed once per pass in Java instead of per
 * layer in native calls: the rotary position embedding of each row, position and head as two
 * elementwise factors laid out [rows, tokens, heads + kvHeads, 2, headDim / 2], so that rotating q
 * and k together is q·cos + swap(q)·sin, where swap exchanges the two halves of each head
 * (rotate_half(x) = [-x₂, x₁] is swap(x) times [-1, +1], a sign kept in the sin factor); the query
 * heads' factors are scaled by 1/√headDim (the attention scale, folded in); and the attention mask
 * laid out [rows, 1, kvGroups · tokens, keys] for queries grouped by their key/value head.
 */
final class AttentionTables {

  final float[] cos;
  final float[] sin;
  final float[] mask;

  private AttentionTables(float[] cos, float[] sin, float[] mask) {
    this.cos = cos;
    this.sin = sin;
    this.mask = mask;
  }

  /**
   * Tables for {@code rows} rows of {@code tokens} new tokens after {@code past} cached positions;
   * row b's first {@code leftPadding[b]} positions are padding (null: none), and its real tokens
   * take positions from 0.
   */
  static AttentionTables of(
      ModelConfig config,
      RotaryEmbedding rotary,
      float[] causalMask,
      int rows,
      int tokens,
      int past,
      int[] leftPadding) {
    int headDim = config.headDim();
    int half = headDim / 2;
    int heads = config.numAttentionHeads();
    int rotated = heads + config.numKeyValueHeads();
    int groups = config.kvGroups();
    int keys = past + tokens;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    float[] cos = new float[rows * tokens * rotated * headDim];
    float[] sin = new float[cos.length];
    float[] mask = new float[rows * groups * tokens * keys];
    for (int b = 0; b < rows; b++) {
      int padding = leftPadding == null ? 0 : leftPadding[b];
      float[][] table = rotary.table(past - padding, tokens);
      for (int t = 0; t < tokens; t++) {
        int at = t * headDim;
        for (int h = 0; h < rotated; h++) {
          float factor = h < heads ? scale : 1f;
          int offset = ((b * tokens + t) * rotated + h) * headDim;
          for (int j = 0; j < half; j++) {
            // The table repeats each frequency in both halves: [f, f].
            cos[offset + j] = table[0][at + j] * factor;
            cos[offset + half + j] = table[0][at + half + j] * factor;
            sin[offset + j] = -table[1][at + j] * factor;
            sin[offset + half + j] = table[1][at + half + j] * factor;
          }
        }
      }
      for (int g = 0; g < groups; g++) {
        for (int t = 0; t < tokens; t++) {
          int row = ((b * groups + g) * tokens + t) * keys;
          System.arraycopy(causalMask, t * keys, mask, row, keys);
          for (int j = 0; j < padding && j < keys; j++) {
            mask[row + j] = -Float.MAX_VALUE;
          }
        }
      }
    }
    return new AttentionTables(cos, sin, mask);
  }
}
