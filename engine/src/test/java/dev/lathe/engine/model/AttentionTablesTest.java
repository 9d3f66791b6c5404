package dev.lathe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.config.ModelConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AttentionTablesTest {

  // 4 query heads on 2 key/value heads (2 groups), head size 2.
  private final ModelConfig config = ModelConfig.llama(16, 8, 16, 1, 4, 2, 64);
  private final RotaryEmbedding rotary = new RotaryEmbedding(config);

  @Test
  void everyKeyValueHeadMasksPaddingAndThePositionsPastTheHistory() {
    // Two rows decoding one token after 3 cached positions, over a cache of capacity 6; row 1's
    // first position is padding.
    float[] causal = new float[4];
    AttentionTables tables =
        AttentionTables.of(config, rotary, causal, 2, 1, 3, 6, new int[] {0, 1});

    float hidden = -Float.MAX_VALUE;
    float[] row0 = {0, 0, 0, 0, hidden, hidden};
    float[] row1 = {hidden, 0, 0, 0, hidden, hidden};
    // [rows · kvHeads, groups · tokens, width]: 2 rows × 2 heads × 2 groups, 6 keys each.
    assertThat(tables.mask).hasSize(2 * 2 * 2 * 6);
    for (int block = 0; block < 8; block++) {
      float[] expected = block < 4 ? row0 : row1;
      assertThat(Arrays.copyOfRange(tables.mask, block * 6, block * 6 + 6))
          .as("query row %d", block)
          .containsExactly(expected);
    }
  }

  @Test
  void anAttentionNarrowerThanItsKeysIsRefused() {
    assertThatThrownBy(() -> AttentionTables.of(config, rotary, new float[4], 1, 1, 3, 3, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the attention's width 3 is less than its 4 key positions");
  }
}
