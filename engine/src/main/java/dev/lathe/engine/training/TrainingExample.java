package dev.lathe.engine.training;

/**
 * One training sequence: its tokens and which of them are targets. Loss is taken on predicting
 * token i from the tokens before it, for every i marked; prompts are unmarked, so the model learns
 * to answer, not to repeat questions.
 */
public record TrainingExample(int[] tokens, boolean[] targets) {

  public TrainingExample {
    if (tokens.length != targets.length) {
      throw new IllegalArgumentException("tokens and targets differ in length");
    }
    if (tokens.length < 2) {
      throw new IllegalArgumentException("a training sequence needs at least two tokens");
    }
    tokens = tokens.clone();
    targets = targets.clone();
  }

  /** Prompt tokens then response tokens, loss on the response. */
  public static TrainingExample promptAndResponse(int[] prompt, int[] response) {
    int[] tokens = new int[prompt.length + response.length];
    boolean[] targets = new boolean[tokens.length];
    System.arraycopy(prompt, 0, tokens, 0, prompt.length);
    System.arraycopy(response, 0, tokens, prompt.length, response.length);
    for (int i = prompt.length; i < tokens.length; i++) {
      targets[i] = true;
    }
    return new TrainingExample(tokens, targets);
  }

  /** Truncated to at most {@code length} tokens. */
  public TrainingExample truncate(int length) {
    if (tokens.length <= length) {
      return this;
    }
    return new TrainingExample(
        java.util.Arrays.copyOf(tokens, length), java.util.Arrays.copyOf(targets, length));
  }

  public int targetCount() {
    int count = 0;
    for (int i = 1; i < targets.length; i++) {
      if (targets[i]) {
        count++;
      }
    }
    return count;
  }
}
