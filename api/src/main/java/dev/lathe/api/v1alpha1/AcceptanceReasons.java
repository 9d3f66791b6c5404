package dev.lathe.api.v1alpha1;

/**
 * The reasons the operator writes on the {@code Accepted} condition of every Lathe kind, one line
 * each: Accepted=True carries {@link #VALID}; Accepted=False carries what is wrong with the spec or
 * with an object it names. A reason marked "waits" clears itself once the named object is created
 * or fixed; the others need a spec change.
 */
public final class AcceptanceReasons {

  private AcceptanceReasons() {}

  /** Type: the condition every Lathe kind reports its verdict on the spec in. */
  public static final String ACCEPTED = "Accepted";

  /** Accepted=True: the spec is valid and its references resolve. */
  public static final String VALID = "Valid";

  /** Accepted=False: a value in the spec itself is wrong; the message names the field. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** Accepted=False (waits): a Secret the spec names does not exist in the namespace. */
  public static final String SECRET_NOT_FOUND = "SecretNotFound";

  /** Accepted=False (waits): a named Secret lacks a key (for storage, the two AWS_* keys). */
  public static final String SECRET_INCOMPLETE = "SecretIncomplete";

  /** Accepted=False (waits): a ConfigMap the environment reads does not exist or lacks the key. */
  public static final String CONFIG_MAP_NOT_FOUND = "ConfigMapNotFound";

  /** Accepted=False (waits): the PersistentVolumeClaim of a pvc:// location does not exist. */
  public static final String VOLUME_CLAIM_NOT_FOUND = "VolumeClaimNotFound";

  /** Accepted=False: a location's path has "..", ".", empty segments, backslashes or %-escapes. */
  public static final String UNSAFE_STORAGE_PATH = "UnsafeStoragePath";

  /** Accepted=False: no credentialsSecret, and the storage policy grants no ambient credentials. */
  public static final String AMBIENT_CREDENTIALS_NOT_ALLOWED = "AmbientCredentialsNotAllowed";

  /** Accepted=False (waits): a ModelVersion the spec names does not exist in the namespace. */
  public static final String MODEL_VERSION_NOT_FOUND = "ModelVersionNotFound";

  /** Accepted=False: a named ModelVersion has another format than the use needs. */
  public static final String WRONG_MODEL_FORMAT = "WrongModelFormat";

  /** Accepted=False: an adapter was trained on another base than the one it is served with. */
  public static final String ADAPTER_BASE_MISMATCH = "AdapterBaseMismatch";

  /** Accepted=False (waits, FineTuneJob): the base ModelVersion is not Verified yet. */
  public static final String BASE_MODEL_NOT_VERIFIED = "BaseModelNotVerified";

  /** Accepted=False (FineTuneJob): no output storage and the operator has no default store. */
  public static final String NO_OUTPUT_STORAGE = "NoOutputStorage";

  /** Accepted=False (FineTuneJob): a pvc:// output the operator cannot read to sign it. */
  public static final String OUTPUT_UNREACHABLE = "OutputUnreachable";

  /** Accepted=False (waits, FineTuneJob): the output ModelVersion's name has another owner. */
  public static final String OUTPUT_NAME_TAKEN = "OutputNameTaken";
}
