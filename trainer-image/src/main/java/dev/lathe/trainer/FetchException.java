package dev.lathe.trainer;

/** An input could not be fetched or did not verify; the message names the input and its URI. */
final class FetchException extends RuntimeException {
  FetchException(String message) {
    super(message);
  }

  FetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
