package dev.lathe.operator.status;

/**
 * Why something could not be done, as a condition reports it.
 *
 * @param reason a reason constant from the api module's *Conditions classes
 * @param message what went wrong, for people
 * @param retryable whether it may go away without a spec change (so the operator looks again)
 */
public record Failure(String reason, String message, boolean retryable) {}
