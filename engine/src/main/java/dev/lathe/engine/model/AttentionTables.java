package dev.lathe.engine.model;

import dev.lathe.engine.config.ModelConfig;

/**
 * What every layer of one inference pass shares, computed once per pass in Java instead of per
 * layer in native calls: the rotary position embedding of each row and position as a [headDim,
 * headDim] matrix (q · R is q·cos + rotate_half(q)·sin, so rotating all heads is one matmul), the
 * query's matrix scaled by 1/√headDim (the attention scale, folded in), and the attention mask laid
 * out [batch, 1, kvGroups · tokens, keys] for queries grouped by their key/value head.
 */
final class AttentionTables {

  final float[] queryRotation;
  final float[] keyRotation;
  final float[] mask;

  private AttentionTables(float[] queryRotation, float[] keyRotation, float[] mask) {
    this.queryRotation = queryRotation;
    this.keyRotation = keyRotation;
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
    int groups = config.kvGroups();
    int keys = past + tokens;
    int matrix = headDim * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    float[] queryRotation = new float[rows * tokens * matrix];
    float[] keyRotation = new float[rows * tokens * matrix];
    float[] mask = new float[rows * groups * tokens * keys];
    for (int b = 0; b < rows; b++) {
      int padding = leftPadding == null ? 0 : leftPadding[b];
      float[][] table = rotary.table(past - padding, tokens);
      for (int t = 0; t < tokens; t++) {
        int offset = (b * tokens + t) * matrix;
        rotation(table[0], table[1], t * headDim, headDim, 1f, keyRotation, offset);
        rotation(table[0], table[1], t * headDim, headDim, scale, queryRotation, offset);
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
    return new AttentionTables(queryRotation, keyRotation, mask);
  }

  /**
   * R with x · R = x·cos + rotate_half(x)·sin, times {@code scale}: rotate_half(x) is [-x₂, x₁], so
   * output j < d/2 takes x_j·cos_j − x_{j+d/2}·sin_j, and output j ≥ d/2 takes x_j·cos_j +
   * x_{j−d/2}·sin_j.
   */
  private static void rotation(
      float[] cos, float[] sin, int at, int d, float scale, float[] out, int offset) {
    int half = d / 2;
    for (int j = 0; j < d; j++) {
      out[offset + j * d + j] = cos[at + j] * scale;
      int from = j < half ? j + half : j - half;
      float sign = j < half ? -1f : 1f;
      out[offset + from * d + j] = sign * sin[at + j] * scale;
    }
  }
}
