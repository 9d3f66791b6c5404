package dev.lathe.artifact;

/** An artifact that cannot be hashed, signed, stored or verified; the message names the culprit. */
public class ArtifactException extends RuntimeException {

  public ArtifactException(String message) {
    super(message);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
