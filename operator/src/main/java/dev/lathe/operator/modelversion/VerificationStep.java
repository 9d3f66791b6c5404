package dev.lathe.operator.modelversion;

/** One effect a ModelVersion decision asks for; {@link VerificationActions} carries it out. */
public sealed interface VerificationStep {

  /** Create the Job that hashes every file against the signed manifest. */
  record CreateVerifyJob(String manifestDigest) implements VerificationStep {}

  /** Delete a verification Job that could not read the files, so that a new one tries again. */
  record DeleteVerifyJob(String name) implements VerificationStep {}
}
