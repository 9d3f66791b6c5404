package dev.lathe.api.v1alpha1;

/**
 * The condition types of a FineTuneJob and every reason the operator writes on them, one line each,
 * so that the operator, its tests, kubectl users and health checks spell them the same way.
 */
public final class FineTuneJobConditions {

  private FineTuneJobConditions() {}

  /** Type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = FineTuneJobStatus.ACCEPTED;

  /** Type: the job waits for GPU quota or for Kueue admission. */
  public static final String QUEUED = FineTuneJobStatus.QUEUED;

  /** Type: training pods are running. */
  public static final String RUNNING = FineTuneJobStatus.RUNNING;

  /** Type: training finished and the ModelVersion was published (terminal). */
  public static final String SUCCEEDED = FineTuneJobStatus.SUCCEEDED;

  /** Type: the job failed for good (terminal). */
  public static final String FAILED = FineTuneJobStatus.FAILED;

  /**
   * Type: the roll-up. True once the job's ModelVersion is published; otherwise False with the
   * reason of the step the job is at (Queued, Suspended, Training, a failure), which the STATUS
   * printer column shows.
   */
  public static final String READY = FineTuneJobStatus.READY;

  /** Queued=True: the namespace's free GPU quota (after reserved jobs) is too small for now. */
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";

  /** Queued=True: the Job exists, suspended, and waits for Kueue to admit it. */
  public static final String WAITING_FOR_KUEUE = "WaitingForKueue";

  /** Queued=False: quota was reserved (or Kueue admitted the Job) and the training Job exists. */
  public static final String ADMITTED = "Admitted";

  /** Running=False: spec.suspend is true; no training pods run. */
  public static final String SUSPENDED = "Suspended";

  /** Running=False: the training pods are being created or fetch their inputs. */
  public static final String STARTING = "Starting";

  /** Running=True: the trainer container runs. */
  public static final String TRAINING = "Training";

  /** Running=False: the training Job completed; the operator publishes its artifact. */
  public static final String COMPLETED = "Completed";

  /** Running=False: the training Job failed and stopped. */
  public static final String STOPPED = "Failed";

  /** Running=False: the API server refused the training workload; retried later. */
  public static final String WORKLOAD_REJECTED = "WorkloadRejected";

  /** Failed=True: the training Job failed (backoff limit, deadline); the message says why. */
  public static final String TRAINING_FAILED = "TrainingFailed";

  /** Succeeded=True and Ready=True: the signed ModelVersion was created. */
  public static final String PUBLISHED = "Published";

  /** Ready=False: the job waits in a queue (for quota or for Kueue). */
  public static final String QUEUED_REASON = "Queued";

  /** Ready=Unknown: accepted, and the operator has not taken its first step yet. */
  public static final String PENDING = "Pending";

  /** Ready=False: the spec was not accepted; Accepted says why. */
  public static final String NOT_ACCEPTED = "NotAccepted";

  /** Ready=False: the trainer finished and the artifact is being signed and published. */
  public static final String PUBLISHING = "Publishing";

  /** Failed=True: the trainer's output has no unsigned statement (permanent). */
  public static final String ARTIFACT_INCOMPLETE = "ArtifactIncomplete";

  /** Failed=True: the trainer's output is malformed (permanent). */
  public static final String ARTIFACT_INVALID = "ArtifactInvalid";

  /** Succeeded=False: output.modelVersion names a ModelVersion another owner holds (retried). */
  public static final String OUTPUT_NAME_TAKEN = AcceptanceReasons.OUTPUT_NAME_TAKEN;

  /** Succeeded=False: the operator's signing key Secret is missing or unreadable (retried). */
  public static final String SIGNING_KEY_UNAVAILABLE = "SigningKeyUnavailable";

  /** Succeeded=False (FineTuneJob) or Verified=Unknown (ModelVersion): storage unreachable. */
  public static final String STORAGE_UNAVAILABLE = "StorageUnavailable";
}
