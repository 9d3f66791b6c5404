package dev.lathe.api.v1alpha1;

/**
 * The condition types of a ModelVersion and every reason the operator writes on them, one line
 * each.
 */
public final class ModelVersionConditions {

  private ModelVersionConditions() {}

  /** Type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = ModelVersionStatus.ACCEPTED;

  /** Type: signature, provenance and every file's digest were checked; the STATUS column. */
  public static final String VERIFIED = ModelVersionStatus.VERIFIED;

  /** Type: the version may be deployed (verified and stored). */
  public static final String AVAILABLE = ModelVersionStatus.AVAILABLE;

  /** Verified=True: signed by a trusted key and every file matches the signed manifest. */
  public static final String VERIFIED_REASON = "Verified";

  /** Verified=Unknown: the signature is trusted; a Job is checking every file's digest. */
  public static final String VERIFYING = "Verifying";

  /** Verified=Unknown: the storage could not be read; looked at again later. */
  public static final String STORAGE_UNAVAILABLE = FineTuneJobConditions.STORAGE_UNAVAILABLE;

  /** Verified=False: no signature at the location; looked at again (it may be uploaded). */
  public static final String UNSIGNED = "Unsigned";

  /** Verified=False: the signing key is not trusted here; looked at again (policy may change). */
  public static final String UNTRUSTED_KEY = "UntrustedKey";

  /** Verified=False: the signature does not verify with the trusted key (final). */
  public static final String BAD_SIGNATURE = "BadSignature";

  /** Verified=False: the signed statement is malformed or contradicts itself (final). */
  public static final String MALFORMED_STATEMENT = "MalformedStatement";

  /** Verified=False: a file's bytes differ from its signed digest (final). */
  public static final String DIGEST_MISMATCH = "DigestMismatch";

  /** Verified=False: a signed file is missing (final). */
  public static final String MISSING_FILE = "MissingFile";

  /** Verified=False: a file is present that the signature does not list (final). */
  public static final String UNEXPECTED_FILE = "UnexpectedFile";

  /** Verified=False: the signed provenance describes another model (final). */
  public static final String PROVENANCE_MISMATCH = "ProvenanceMismatch";

  /** Verified=False: a path in the artifact's storage climbs out of it or is a link (final). */
  public static final String UNSAFE_STORAGE_PATH = AcceptanceReasons.UNSAFE_STORAGE_PATH;

  /** Available=True: verified and stored. */
  public static final String READY = "Ready";

  /** Available=False: verification failed, so no deployment may use the version. */
  public static final String NOT_VERIFIED = "NotVerified";
}
