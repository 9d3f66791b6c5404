package dev.lathe.operator.modelversion;

import static dev.lathe.api.v1alpha1.ModelVersionConditions.BAD_SIGNATURE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.DIGEST_MISMATCH;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.MALFORMED_STATEMENT;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.MISSING_FILE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.PROVENANCE_MISMATCH;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.UNEXPECTED_FILE;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.UNSIGNED;
import static dev.lathe.api.v1alpha1.ModelVersionConditions.UNTRUSTED_KEY;

import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.operator.status.Failure;
import java.util.Optional;

/**
 * Verification failures as condition reasons, each with whether another object can lift it without
 * a spec change (a signature uploaded later, a key added to the trust policy) — those are looked at
 * again; a digest mismatch is final.
 */
public final class VerificationFailures {

  private VerificationFailures() {}

  public static Failure of(VerificationException.Failure failure, String message) {
    return switch (failure) {
      case UNSIGNED -> new Failure(UNSIGNED, message, true);
      case UNTRUSTED_KEY -> new Failure(UNTRUSTED_KEY, message, true);
      case BAD_SIGNATURE -> new Failure(BAD_SIGNATURE, message, false);
      case MALFORMED_STATEMENT -> new Failure(MALFORMED_STATEMENT, message, false);
      case DIGEST_MISMATCH -> new Failure(DIGEST_MISMATCH, message, false);
      case MISSING_FILE -> new Failure(MISSING_FILE, message, false);
      case UNEXPECTED_FILE -> new Failure(UNEXPECTED_FILE, message, false);
      case PROVENANCE_MISMATCH -> new Failure(PROVENANCE_MISMATCH, message, false);
    };
  }

  /** The failure a verification Job names in its report (an enum name), if it names one. */
  public static Optional<VerificationException.Failure> named(String name) {
    try {
      return Optional.of(VerificationException.Failure.valueOf(name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether a Verified=False reason is looked at again. */
  public static boolean retryable(String reason) {
    return UNSIGNED.equals(reason) || UNTRUSTED_KEY.equals(reason);
  }
}
