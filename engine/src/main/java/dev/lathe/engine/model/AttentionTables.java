package dev.lathe.engine.model;

import dev.lathe.engine.config.ModelConfig;
import java.util.Arrays;

/**
 * What every layer of one inference pass shares, computed once per pass in Java instead of per
 * layer in native calls: the rotary position embedding of each row, position and head as two
 * elementwise factors laid out [rows, tokens, heads + kvHeads, 2, headDim / 2], so that rotating q
 * and k together is q·cos + swap(q)·sin, where swap exchanges the two halves of each head
 * (rotate_half(x) = [-x₂, x₁] is swap(x) times [-1, +1], a sign kept in the sin factor); the query
 * heads' factors are scaled by 1/√headDim (the attention scale, folded in); and the attention mask
 * laid out [rows · kvHeads, kvGroups · tokens, width] for queries grouped by their key/value head
 * (the layout of libtorch's 3-D batched product, which InferenceForward calls directly), where the
 * key positions past the history (up to the KV cache's capacity) are masked too, so that the
 * attention reads the cache's whole arrays without slicing them.
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
   * Tables for {@code rows} rows of {@code tokens} new tokens after {@code past} cached positions,
   * attending to {@code width} ≥ past + tokens key positions; row b's first {@code leftPadding[b]}
   * positions are padding (null: none), and its real tokens take positions from 0.
   */
  static AttentionTables of(
      ModelConfig config,
      RotaryEmbedding rotary,
      float[] causalMask,
      int rows,
      int tokens,
      int past,
      int width,
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
    if (width < keys) {
      throw new IllegalArgumentException(
          "the attention's width " + width + " is less than its " + keys + " key positions");
    }
    int kvHeads = config.numKeyValueHeads();
    int block = groups * tokens * width;
    float[] mask = new float[rows * kvHeads * block];
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
      int first = b * kvHeads * block;
      for (int g = 0; g < groups; g++) {
        for (int t = 0; t < tokens; t++) {
          int row = first + (g * tokens + t) * width;
          System.arraycopy(causalMask, t * keys, mask, row, keys);
          Arrays.fill(mask, row + keys, row + width, -Float.MAX_VALUE);
          for (int j = 0; j < padding && j < keys; j++) {
            mask[row + j] = -Float.MAX_VALUE;
          }
        }
      }
      // Every key/value head of the row masks alike.
      for (int h = 1; h < kvHeads; h++) {
        System.arraycopy(mask, first, mask, first + h * block, block);
      }
    }
    return new AttentionTables(cos, sin, mask);
  }
}
