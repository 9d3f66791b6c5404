package dev.lathe.runtime.generation;

/**
 * Receives one generation's progress. Called on the decoding thread: implementations hand the work
 * to their own thread and return at once.
 */
public interface GenerationListener {

  /** A token was generated; {@code text} is what may be sent now, possibly empty. */
  void onToken(String text);

  /** The generation ended (finished, cut at a length, or cancelled). */
  void onFinish(FinishedGeneration result);

  /** The generation failed; nothing more will be sent. */
  void onError(String message);
}
