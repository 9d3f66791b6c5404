package dev.lathe.runtime.generation;

import dev.lathe.engine.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Turns generated tokens into text as it grows, for streaming: each call says what new text may be
 * sent. Text is held back while it ends in an incomplete UTF-8 character (the tokenizer decodes it
 * as U+FFFD) or in what could be the start of a stop string; a stop string ends the text before it.
 */
public final class TextStream {

  private final TextTokenizer tokenizer;
  private final List<String> stop;
  private int[] tokens = new int[16];
  private int count;
  private int sent;
  private String text = "";
  private boolean stopped;

  public TextStream(TextTokenizer tokenizer, List<String> stop) {
    this.tokenizer = tokenizer;
    this.stop = stop;
  }

  /** Adds a token and returns the text that may be sent now (possibly empty). */
  public String add(int token) {
    if (count == tokens.length) {
      tokens = Arrays.copyOf(tokens, count * 2);
    }
    tokens[count++] = token;
    text = tokenizer.decode(Arrays.copyOf(tokens, count));
    int stopAt = firstStop();
    if (stopAt >= 0) {
      stopped = true;
      return release(stopAt);
    }
    int safe = text.length();
    if (safe > 0 && text.charAt(safe - 1) == '\uFFFD') {
      safe--;
    }
    safe = Math.min(safe, text.length() - partialStopSuffix());
    return release(Math.max(safe, sent));
  }

  /** Whatever was held back, at the end of a generation that did not end on a stop string. */
  public String flush() {
    return stopped ? "" : release(text.length());
  }

  /** A stop string appeared: the completion ends before it. */
  public boolean stopped() {
    return stopped;
  }

  /** The completion's text so far (up to a stop string, when one appeared). */
  public String sentText() {
    return text.substring(0, sent);
  }

  private String release(int end) {
    if (end <= sent) {
      return "";
    }
    String delta = text.substring(sent, end);
    sent = end;
    return delta;
  }

  private int firstStop() {
    int first = -1;
    for (String s : stop) {
      int at = text.indexOf(s, Math.max(0, sent - s.length() + 1));
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first < sent && first >= 0 ? sent : first;
  }

  /** The length of the longest end of the text that begins some stop string. */
  private int partialStopSuffix() {
    int longest = 0;
    for (String s : stop) {
      for (int length = Math.min(s.length() - 1, text.length()); length > longest; length--) {
        if (text.endsWith(s.substring(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
