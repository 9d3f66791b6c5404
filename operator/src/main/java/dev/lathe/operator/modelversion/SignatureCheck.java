package dev.lathe.operator.modelversion;

import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.operator.status.Failure;
import java.util.Optional;

/** What the operator's half of verification (signature and provenance) found at the location. */
public sealed interface SignatureCheck {

  /**
   * The signature verifies with a trusted key.
   *
   * @param envelopeUri where the signature lies
   * @param provenanceUri where the verified provenance lies, when there is one
   */
  record Trusted(
      String manifestDigest,
      String keyId,
      String algorithm,
      String envelopeUri,
      Optional<String> provenanceUri,
      Optional<Provenance> provenance)
      implements SignatureCheck {}

  /** The signature is missing, untrusted or wrong. */
  record Refused(Failure failure) implements SignatureCheck {}

  /** The storage could not be read: nothing is known about the files. */
  record Unreadable(String message) implements SignatureCheck {}
}
