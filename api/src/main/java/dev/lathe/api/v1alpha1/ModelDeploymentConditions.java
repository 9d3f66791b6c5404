package dev.lathe.api.v1alpha1;

/**
 * The condition types of a ModelDeployment and every reason the operator writes on them, one line
 * each.
 *
 * <p>{@link #READY} rolls the others up: True exactly when Accepted is True, Degraded is not True
 * and Available is True; otherwise False with the reason (and message) of the first of those that
 * fails, in that order, so a refusing pod's DigestMismatch shows in the STATUS column even while
 * other pods serve. Progressing does not hold Ready back: a deployment scaling up while it serves
 * is ready.
 *
 * <p>The refusal reasons (DigestMismatch ... ProvenanceMismatch) are the runtime's own failure
 * kinds, read from the refusing pod's termination message, spelled as the ModelVersion's Verified
 * reasons are, so one word means one thing on both kinds.
 */
public final class ModelDeploymentConditions {

  private ModelDeploymentConditions() {}

  /** Type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = ModelDeploymentStatus.ACCEPTED;

  /** Type: at least one verified, ready pod serves the model behind the endpoint. */
  public static final String AVAILABLE = ModelDeploymentStatus.AVAILABLE;

  /** Type: the workloads are moving towards the spec (waiting, creating, scaling). */
  public static final String PROGRESSING = ModelDeploymentStatus.PROGRESSING;

  /** Type: something keeps the deployment from what its spec asks, and waiting will not fix it. */
  public static final String DEGRADED = ModelDeploymentStatus.DEGRADED;

  /** Type: the roll-up a person and a GitOps tool read; the STATUS column shows its reason. */
  public static final String READY = "Ready";

  /** Available/Progressing/Ready: the ModelVersion or an adapter's is not Verified=True yet. */
  public static final String AWAITING_VERIFICATION = "AwaitingVerification";

  /** Available=False, Ready=False: the spec was not accepted, so nothing is served. */
  public static final String NOT_ACCEPTED = "NotAccepted";

  /** Available=True: ready pods serve the model (readyReplicas of replicas in the message). */
  public static final String SERVING = "Serving";

  /** Available=False: the workloads exist but no pod is ready yet. */
  public static final String NO_READY_REPLICAS = "NoReadyReplicas";

  /** Available=False: spec.replicas is 0, so nothing serves (not a failure). */
  public static final String SCALED_TO_ZERO = "ScaledToZero";

  /** Progressing=True: the operator created or corrected Deployment, Services or ConfigMap. */
  public static final String APPLYING = "Applying";

  /** Progressing=True: pods are starting, fetching and verifying, or the Deployment rolls. */
  public static final String PODS_STARTING = "PodsStarting";

  /** Progressing=False: every asked-for replica is ready with the current pod template. */
  public static final String ROLLED_OUT = "RolledOut";

  /** Degraded=False: nothing is wrong. */
  public static final String AS_EXPECTED = "AsExpected";

  /** Degraded=True: the ModelVersion or an adapter's failed verification (final until fixed). */
  public static final String MODEL_NOT_VERIFIED = "ModelNotVerified";

  /** Degraded=True: a pod refused the artifact: a file's bytes differ from the signed digest. */
  public static final String DIGEST_MISMATCH = "DigestMismatch";

  /** Degraded=True: a pod refused the artifact: a signed file is missing. */
  public static final String MISSING_FILE = "MissingFile";

  /** Degraded=True: a pod refused the artifact: a file the signature does not list is present. */
  public static final String UNEXPECTED_FILE = "UnexpectedFile";

  /** Degraded=True: a pod refused the artifact: the signature does not verify. */
  public static final String BAD_SIGNATURE = "BadSignature";

  /** Degraded=True: a pod refused the artifact: no signature at its location. */
  public static final String UNSIGNED = "Unsigned";

  /** Degraded=True: a pod refused the artifact: its signing key is not trusted here. */
  public static final String UNTRUSTED_KEY = "UntrustedKey";

  /** Degraded=True: a pod refused the artifact: the signed statement is malformed. */
  public static final String MALFORMED_STATEMENT = "MalformedStatement";

  /** Degraded=True: a pod refused the artifact: its provenance names another model. */
  public static final String PROVENANCE_MISMATCH = "ProvenanceMismatch";

  /** Degraded=True: a pod refused the artifact for a kind of failure not listed above. */
  public static final String VERIFICATION_REFUSED = "VerificationRefused";

  /** Degraded=True: a pod could not fetch the artifact (storage, credentials); it retries. */
  public static final String FETCH_FAILED = "FetchFailed";

  /** Degraded=True: the API server refused a workload object (admission, RBAC, quota). */
  public static final String WORKLOAD_REJECTED = "WorkloadRejected";

  /** Type: the last rollout ended without promotion and traffic went back to stable. */
  public static final String ROLLED_BACK = ModelDeploymentStatus.ROLLED_BACK;

  /**
   * Progressing=True: a canary rollout moves to or holds at a step (step and weight in message).
   */
  public static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";

  /** Progressing=True: the step's weight is reached and its pause duration runs. */
  public static final String STEP_PAUSED = "StepPaused";

  /** Progressing=True: the step holds until `kubectl lathe promote` approves this candidate. */
  public static final String AWAITING_APPROVAL = "AwaitingApproval";

  /** Progressing=True: spec.paused holds the rollout at its current step. */
  public static final String ROLLOUT_PAUSED = "RolloutPaused";

  /** Progressing=True: the step's evaluation Job scores candidate and stable. */
  public static final String GATE_RUNNING = "GateRunning";

  /**
   * Progressing=True: the gate could not decide (too few samples, no data); the rollout holds for a
   * person: `kubectl lathe promote` goes on, `kubectl lathe abort` rolls back.
   */
  public static final String GATE_INCONCLUSIVE = "GateInconclusive";

  /** Progressing=True: a step evaluates, but this operator has no evaluation gate installed. */
  public static final String GATE_UNAVAILABLE = "GateUnavailable";

  /** Progressing=True: every step passed; the candidate grows to spec.replicas to become stable. */
  public static final String PROMOTING = "Promoting";

  /** Event, RolledBack=False: the candidate became stable (a Service label moved, no pod). */
  public static final String PROMOTED = "Promoted";

  /** Event: an approval or abort annotation names another candidate digest and was refused. */
  public static final String APPROVAL_REFUSED = "ApprovalRefused";

  /** Event: a person approved the step with `kubectl lathe promote`. */
  public static final String APPROVED = "Approved";

  /** Event: a gate run ended (verdict and figures in the message). */
  public static final String GATE_VERDICT = "GateVerdict";

  /** Degraded=True, RolledBack=True: a gate failed; the message has metric, figures, threshold. */
  public static final String GATE_FAILED = "GateFailed";

  /** Degraded=True, RolledBack=True: gate runs ended in Error more often than allowed. */
  public static final String GATE_ERRORED = "GateErrored";

  /**
   * Degraded=True, RolledBack=True: the candidate's pods refused it or were not ready within the
   * progress deadline (the scheduler's reason in the message when a pod could not be placed).
   */
  public static final String CANDIDATE_UNHEALTHY = "CandidateUnhealthy";

  /**
   * Degraded=True, RolledBack=True: with HTTPRoute traffic routing, the named HTTPRoute did not
   * carry the step's weights with its Gateway reporting Accepted and ResolvedRefs within the
   * progress deadline (the route is missing, has no rule to the stable Service, or is refused; the
   * message says which).
   */
  public static final String TRAFFIC_NOT_ROUTED = "TrafficNotRouted";

  /**
   * Accepted=False: with HTTPRoute traffic routing, a ModelVersion named {@code stable} or {@code
   * canary} would give its version Service the name of a track Service.
   */
  public static final String TRACK_NAME_TAKEN = "TrackNameTaken";

  /** Degraded=True, RolledBack=True, Progressing=False: `kubectl lathe abort` ended the rollout. */
  public static final String ROLLOUT_ABORTED = "RolloutAborted";

  /** Ready=True: accepted, available and not degraded. */
  public static final String READY_REASON = "Ready";
}
