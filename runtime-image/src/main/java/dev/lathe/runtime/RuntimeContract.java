package dev.lathe.runtime;

/**
 * The runtime contract: the environment variables the runtime image reads (each also a flag), as
 * the operator sets them on a ModelDeployment's pods. Documented in the README.
 */
public final class RuntimeContract {

  /** Where fetch-and-verify puts models and serve reads them: model/, base/, adapters/NAME/. */
  public static final String MODELS_DIR = "LATHE_MODELS_DIR";

  /** The ModelVersion's artifact: s3://BUCKET/PREFIX, file:///PATH or a directory. */
  public static final String MODEL_URI = "LATHE_MODEL_URI";

  /** Further adapters to fetch: NAME=URI pairs separated by commas. */
  public static final String ADAPTER_URIS = "LATHE_ADAPTER_URIS";

  /** A directory of PEM public keys: the trust policy. */
  public static final String TRUSTED_KEYS_DIR = "LATHE_TRUSTED_KEYS_DIR";

  /** The namespace the trust policy is applied for. */
  public static final String NAMESPACE = "LATHE_NAMESPACE";

  public static final String S3_ENDPOINT = "LATHE_S3_ENDPOINT";
  public static final String S3_REGION = "LATHE_S3_REGION";
  public static final String S3_PATH_STYLE = "LATHE_S3_PATH_STYLE";

  /** A mounted Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  public static final String S3_CREDENTIALS_DIR = "LATHE_S3_CREDENTIALS_DIR";

  /** The ModelVersion's name in the API ("model"); default: the name it was signed under. */
  public static final String MODEL_NAME = "LATHE_MODEL_NAME";

  /** For an adapter ModelVersion, its base's name in the API; default: the base's signed name. */
  public static final String BASE_MODEL_NAME = "LATHE_BASE_MODEL_NAME";

  public static final String HOST = "LATHE_HOST";
  public static final String PORT = "LATHE_PORT";
  public static final String MAX_BATCH = "LATHE_MAX_BATCH";
  public static final String MAX_QUEUE = "LATHE_MAX_QUEUE";
  public static final String DRAIN_SECONDS = "LATHE_DRAIN_SECONDS";
  public static final String ADAPTER_SCAN_SECONDS = "LATHE_ADAPTER_SCAN_SECONDS";

  /** Where a failure's message goes (Kubernetes shows it in the pod's status). */
  public static final String TERMINATION_LOG = "LATHE_TERMINATION_LOG";

  private RuntimeContract() {}
}
