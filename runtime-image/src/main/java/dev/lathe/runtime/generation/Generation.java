package dev.lathe.runtime.generation;

import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.runtime.model.ServedAdapter;
import java.util.Optional;
import java.util.Set;

/**
 * One sequence being generated: its prompt, how to sample, which adapter (none: the base) and who
 * to tell. Owned by the decoding thread once submitted, except {@link #cancel()}.
 */
public final class Generation {

  private final int[] prompt;
  private final SamplingParameters parameters;
  private final Optional<ServedAdapter> adapter;
  private final GenerationListener listener;
  private final TokenSampler sampler;
  private final TextStream text;
  private final int contextLimit;
  private volatile boolean cancelled;
  private int generated;
  private int lastToken = -1;
  private boolean done;

  public Generation(
      int[] prompt,
      SamplingParameters parameters,
      Optional<ServedAdapter> adapter,
      TextTokenizer tokenizer,
      int contextLimit,
      GenerationListener listener) {
    this.prompt = prompt.clone();
    this.parameters = parameters;
    this.adapter = adapter;
    this.listener = listener;
    this.sampler = new TokenSampler(parameters);
    this.text = new TextStream(tokenizer, parameters.stop());
    this.contextLimit = contextLimit;
  }

  /** The client went away: the decoding thread drops this sequence at its next step. */
  public void cancel() {
    cancelled = true;
  }

  public boolean cancelled() {
    return cancelled;
  }

  int[] prompt() {
    return prompt;
  }

  Optional<ServedAdapter> adapter() {
    return adapter;
  }

  int lastToken() {
    return lastToken;
  }

  boolean done() {
    return done;
  }

  /**
   * Samples from this sequence's row of logits, tells the listener, and says whether the sequence
   * goes on.
   */
  boolean accept(float[] logits, int offset, int vocab, Set<Integer> endTokens) {
    int token = sampler.sample(logits, offset, vocab);
    lastToken = token;
    if (endTokens.contains(token) && !parameters.ignoreEos()) {
      return finish("stop");
    }
    generated++;
    String delta = text.add(token);
    listener.onToken(delta);
    if (text.stopped()) {
      return finish("stop");
    }
    if (generated >= parameters.maxTokens() || prompt.length + generated >= contextLimit) {
      return finish("length");
    }
    return true;
  }

  /** Ends the sequence with a reason (once) and returns false, for "does it go on". */
  boolean finish(String reason) {
    if (done) {
      return false;
    }
    done = true;
    String rest = "cancelled".equals(reason) ? "" : text.flush();
    if (!rest.isEmpty()) {
      listener.onToken(rest);
    }
    listener.onFinish(new FinishedGeneration(text.sentText(), reason, prompt.length, generated));
    return false;
  }

  void fail(String message) {
    if (!done) {
      done = true;
      listener.onError(message);
    }
  }
}
