package dev.lathe.artifact.verify;

import dev.lathe.artifact.ArtifactException;

/** Verification failed: {@link #failure()} says how, {@link #subject()} names the file or key. */
public class VerificationException extends ArtifactException {

  /** The ways an artifact fails verification. */
  public enum Failure {
    /** No signature at the artifact's location: not a published artifact. */
    UNSIGNED,
    /** The signature names a key the trust policy does not trust (here). */
    UNTRUSTED_KEY,
    /** The signature does not verify with the trusted key. */
    BAD_SIGNATURE,
    /** The signed statement is malformed or contradicts itself. */
    MALFORMED_STATEMENT,
    /** A file's bytes differ from its signed digest. */
    DIGEST_MISMATCH,
    /** A signed file is missing. */
    MISSING_FILE,
    /** A file is present that the signature does not list. */
    UNEXPECTED_FILE,
    /** The signed provenance describes another model. */
    PROVENANCE_MISMATCH
  }

  private final Failure failure;
  private final String subject;

  public VerificationException(Failure failure, String subject, String message) {
    super(message);
    this.failure = failure;
    this.subject = subject;
  }

  public Failure failure() {
    return failure;
  }

  /** The file or key the failure is about. */
  public String subject() {
    return subject;
  }
}
