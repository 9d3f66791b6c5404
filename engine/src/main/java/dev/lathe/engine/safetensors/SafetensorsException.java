package dev.lathe.engine.safetensors;

/** A safetensors file or checkpoint that cannot be read or written; the message says why. */
public class SafetensorsException extends RuntimeException {

  public SafetensorsException(String message) {
    super(message);
  }

  public SafetensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
