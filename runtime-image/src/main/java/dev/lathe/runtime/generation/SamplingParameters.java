package dev.lathe.runtime.generation;

import java.util.List;
import java.util.OptionalLong;

/**
 * How one completion is sampled.
 *
 * @param maxTokens the most tokens to generate
 * @param temperature 0 for greedy decoding, else logits are divided by it before softmax
 * @param topP nucleus sampling: sample among the most likely tokens whose probabilities sum to topP
 * @param seed makes sampling repeatable when present
 * @param stop strings that end the completion; they are not part of it
 * @param ignoreEos keep generating past an end-of-sequence token (benchmarks: fixed lengths)
 */
public record SamplingParameters(
    int maxTokens,
    double temperature,
    double topP,
    OptionalLong seed,
    List<String> stop,
    boolean ignoreEos) {

  public SamplingParameters {
    stop = List.copyOf(stop);
  }

  public static SamplingParameters greedy(int maxTokens) {
    return new SamplingParameters(maxTokens, 0, 1, OptionalLong.empty(), List.of(), false);
  }

  /** The parameters of the i-th of n choices: each gets its own seed so they differ. */
  public SamplingParameters forChoice(int index) {
    if (index == 0 || seed.isEmpty()) {
      return this;
    }
    return new SamplingParameters(
        maxTokens, temperature, topP, OptionalLong.of(seed.getAsLong() + index), stop, ignoreEos);
  }
}
