package dev.lathe.runtime.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits: the most likely one at temperature 0, else a sample
 * from softmax(logits / temperature) restricted to the smallest set of tokens whose probability
 * reaches top_p. A seed makes the sequence of picks repeatable.
 */
public final class TokenSampler {

  private final double temperature;
  private final double topP;
  private final SplittableRandom random;

  public TokenSampler(SamplingParameters parameters) {
    this.temperature = parameters.temperature();
    this.topP = parameters.topP();
    this.random =
        parameters.seed().isPresent()
            ? new SplittableRandom(parameters.seed().getAsLong())
            : new SplittableRandom();
  }

  /** Picks from {@code logits[offset, offset + vocab)}. */
  public int sample(float[] logits, int offset, int vocab) {
    if (temperature <= 0) {
      return argMax(logits, offset, vocab);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double[] probabilities = new double[vocab];
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      probabilities[i] = Math.exp((logits[offset + i] - max) / temperature);
      sum += probabilities[i];
    }
    for (int i = 0; i < vocab; i++) {
      probabilities[i] /= sum;
    }
    if (topP >= 1) {
      return draw(probabilities, null, vocab);
    }
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
    double cumulative = 0;
    int keep = 0;
    while (keep < vocab && cumulative < topP) {
      cumulative += probabilities[order[keep]];
      keep++;
    }
    return draw(probabilities, order, keep);
  }

  /** A draw among the first {@code count} tokens of {@code order} (all tokens when null). */
  private int draw(double[] probabilities, Integer[] order, int count) {
    double total = 0;
    for (int i = 0; i < count; i++) {
      total += probabilities[order == null ? i : order[i]];
    }
    double target = random.nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i < count; i++) {
      int token = order == null ? i : order[i];
      cumulative += probabilities[token];
      if (target < cumulative) {
        return token;
      }
    }
    return order == null ? count - 1 : order[count - 1];
  }

  static int argMax(float[] logits, int offset, int vocab) {
    int best = 0;
    for (int i = 1; i < vocab; i++) {
      if (logits[offset + i] > logits[offset + best]) {
        best = i;
      }
    }
    return best;
  }
}
