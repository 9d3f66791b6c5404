package dev.lathe.artifact.contract;

/**
 * The runtime contract's environment variable names, written once: the operator sets them on a
 * ModelDeployment's pods (the {@code fetch-and-verify} init container and the {@code serve}
 * container), the runtime image reads them, each as the default of a flag of the same meaning.
 * Renaming one here renames it on both sides. Documented in docs/runtime.md (the runtime contract).
 */
public final class RuntimeEnvironment {

  private RuntimeEnvironment() {}

  /** Where fetch-and-verify puts models and serve reads them: model/, base/, adapters/NAME/. */
  public static final String MODELS_DIR = "LATHE_MODELS_DIR";

  /** The ModelVersion's artifact: s3://BUCKET/PREFIX, pvc://CLAIM/PATH, file:///PATH or a path. */
  public static final String MODEL_URI = "LATHE_MODEL_URI";

  /** Further adapters to fetch: NAME=URI pairs separated by commas. */
  public static final String ADAPTER_URIS = "LATHE_ADAPTER_URIS";

  /** A directory of PEM public keys: the trust policy. */
  public static final String TRUSTED_KEYS_DIR = "LATHE_TRUSTED_KEYS_DIR";

  /** Trusted PEM public keys, concatenated, as the operator hands them to pods. */
  public static final String TRUSTED_KEYS = "LATHE_TRUSTED_KEYS";

  /** The namespace the trust policy is applied for. */
  public static final String NAMESPACE = "LATHE_NAMESPACE";

  /** The S3-compatible endpoint of s3:// URIs. */
  public static final String S3_ENDPOINT = "LATHE_S3_ENDPOINT";

  /** The S3 region (default us-east-1). */
  public static final String S3_REGION = "LATHE_S3_REGION";

  /** true for path-style S3 addressing (MinIO and most S3-compatible stores). */
  public static final String S3_PATH_STYLE = "LATHE_S3_PATH_STYLE";

  /** A mounted Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  public static final String S3_CREDENTIALS_DIR = "LATHE_S3_CREDENTIALS_DIR";

  /** Where PersistentVolumeClaims are mounted, one directory per claim, for pvc:// URIs. */
  public static final String CLAIMS_ROOT = "LATHE_CLAIMS_ROOT";

  /** The ModelVersion's name in the API ("model"); default: the name it was signed under. */
  public static final String MODEL_NAME = "LATHE_MODEL_NAME";

  /** For an adapter ModelVersion, its base's name in the API; default: the base's signed name. */
  public static final String BASE_MODEL_NAME = "LATHE_BASE_MODEL_NAME";

  /** The address serve listens on. */
  public static final String HOST = "LATHE_HOST";

  /** The port of the OpenAI-compatible API. */
  public static final String PORT = "LATHE_PORT";

  /** The most sequences decoded together. */
  public static final String MAX_BATCH = "LATHE_MAX_BATCH";

  /** The most requests waiting; past it, 429. */
  public static final String MAX_QUEUE = "LATHE_MAX_QUEUE";

  /** How long serve finishes in-flight requests after SIGTERM. */
  public static final String DRAIN_SECONDS = "LATHE_DRAIN_SECONDS";

  /** How often the adapter list (or adapters/) is read again. */
  public static final String ADAPTER_SCAN_SECONDS = "LATHE_ADAPTER_SCAN_SECONDS";

  /** The desired-adapter list (JSON, from a mounted ConfigMap). */
  public static final String ADAPTER_LIST = "LATHE_ADAPTER_LIST";

  /** The port of GET /adapters and the list's adapter metrics. */
  public static final String ADAPTER_STATUS_PORT = "LATHE_ADAPTER_STATUS_PORT";

  /** Where a failure's message goes (Kubernetes shows it in the pod's status). */
  public static final String TERMINATION_LOG = "LATHE_TERMINATION_LOG";
}
