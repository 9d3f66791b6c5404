package dev.lathe.runtime.generation;

/**
 * How a generation ended.
 *
 * @param text the completion (without a stop string that ended it)
 * @param finishReason "stop" (end-of-sequence token or stop string), "length" (max_tokens or the
 *     context), or "cancelled" (the client went away)
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens generated
 */
public record FinishedGeneration(
    String text, String finishReason, int promptTokens, int completionTokens) {}
