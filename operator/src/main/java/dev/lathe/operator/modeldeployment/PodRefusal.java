package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runtime pod's container that exited non-zero, read from its termination message: the runtime
 * writes {@code verification failed (DIGEST_MISMATCH, model.safetensors): ...} when it refuses an
 * artifact, and {@code fetch-and-verify failed: ...} when it could not fetch one.
 *
 * @param podName the pod
 * @param podUid its uid, with {@code restarts} the key that counts one refusal once
 * @param container the container that exited (fetch-and-verify or serve)
 * @param restarts the container's restart count when seen
 * @param reason a Degraded reason from {@link ModelDeploymentConditions}
 * @param subject the file or part the runtime names, when it names one
 * @param message the termination message as the runtime wrote it
 */
public record PodRefusal(
    String podName,
    String podUid,
    String container,
    int restarts,
    String reason,
    Optional<String> subject,
    String message) {

  private static final Pattern VERDICT =
      Pattern.compile("verification failed \\(([A-Z_]+), ([^)]*)\\)");

  /** Whether the pod refused the artifact (a verdict), rather than failing to fetch it. */
  public boolean isVerdict() {
    return !ModelDeploymentConditions.FETCH_FAILED.equals(reason);
  }

  /** The failed containers of {@code pod}, init containers first. */
  public static List<PodRefusal> of(Pod pod) {
    List<PodRefusal> refusals = new ArrayList<>();
    if (pod.getStatus() == null) {
      return refusals;
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    for (ContainerStatus status : statuses) {
      terminatedBadly(status)
          .ifPresent(
              t ->
                  refusals.add(
                      read(
                          pod,
                          status.getName(),
                          Optional.ofNullable(status.getRestartCount()).orElse(0),
                          Optional.ofNullable(t.getMessage()).orElse("").trim(),
                          t.getExitCode())));
    }
    return refusals;
  }

  /**
   * The container's last exit, if it was a failure: the current state when it has not restarted
   * yet, else the last state (a Deployment's pods restart their init container with backoff). A
   * container that has since completed or is ready again reports nothing: its failure is history (a
   * serve process that lost a port race and serves after its restart is not refusing).
   */
  private static Optional<ContainerStateTerminated> terminatedBadly(ContainerStatus status) {
    ContainerStateTerminated current =
        status.getState() == null ? null : status.getState().getTerminated();
    ContainerStateTerminated last =
        status.getLastState() == null ? null : status.getLastState().getTerminated();
    boolean completed = current != null && Integer.valueOf(0).equals(current.getExitCode());
    if (completed || Boolean.TRUE.equals(status.getReady())) {
      return Optional.empty();
    }
    for (ContainerStateTerminated t : new ContainerStateTerminated[] {current, last}) {
      if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  static PodRefusal read(Pod pod, String container, int restarts, String message, int exitCode) {
    Matcher verdict = VERDICT.matcher(message);
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    if (verdict.find()) {
      return new PodRefusal(
          name,
          uid,
          container,
          restarts,
          reasonOf(verdict.group(1)),
          Optional.of(verdict.group(2)),
          message);
    }
    String text = message.isEmpty() ? "exited with code " + exitCode : message;
    return new PodRefusal(
        name,
        uid,
        container,
        restarts,
        ModelDeploymentConditions.FETCH_FAILED,
        Optional.empty(),
        text);
  }

  /** DIGEST_MISMATCH → DigestMismatch: the runtime's failure kind as a condition reason. */
  static String reasonOf(String kind) {
    StringBuilder reason = new StringBuilder();
    for (String word : kind.split("_")) {
      if (!word.isEmpty()) {
        reason.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    String known = reason.toString();
    return switch (known) {
      case ModelDeploymentConditions.DIGEST_MISMATCH,
          ModelDeploymentConditions.MISSING_FILE,
          ModelDeploymentConditions.UNEXPECTED_FILE,
          ModelDeploymentConditions.BAD_SIGNATURE,
          ModelDeploymentConditions.UNSIGNED,
          ModelDeploymentConditions.UNTRUSTED_KEY,
          ModelDeploymentConditions.MALFORMED_STATEMENT,
          ModelDeploymentConditions.PROVENANCE_MISMATCH ->
          known;
      default -> ModelDeploymentConditions.VERIFICATION_REFUSED;
    };
  }
}
