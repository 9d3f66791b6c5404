package dev.lathe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class WeightedSplitTest {

  private static long canaries(long from, long count, int weight) {
    return LongStream.range(from, from + count)
        .filter(k -> WeightedSplit.toCanary(k, weight))
        .count();
  }

  @Test
  void ofAnyHundredConsecutiveRequestsExactlyTheWeightGoToTheCanary() {
    for (int weight : new int[] {1, 7, 20, 33, 50, 99}) {
      for (long from : new long[] {0, 13, 1_000_003}) {
        assertThat(canaries(from, 100, weight))
            .as("weight %d from %d", weight, from)
            .isEqualTo(weight);
      }
    }
  }

  @Test
  void theCanarysRequestsAreSpreadNotBunched() {
    // At 20 %, every fifth request: never two in a row, never more than 1 in any 5.
    for (long from = 0; from < 100; from++) {
      assertThat(canaries(from, 5, 20)).isEqualTo(1);
    }
  }

  @Test
  void weightZeroSendsNothingAndAHundredSendsEverything() {
    assertThat(canaries(0, 1000, 0)).isZero();
    assertThat(canaries(0, 1000, 100)).isEqualTo(1000);
  }
}
