package dev.lathe.cli.rollout;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Approval;
import dev.lathe.api.v1alpha1.RolloutAnnotations.Hold;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A person's word on a ModelDeployment's rollout, written as an annotation (never the spec) and
 * bound to the candidate's digest: what {@code lathe promote} and {@code lathe abort} do.
 */
final class RolloutAction {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  RolloutAction(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /**
   * Approves the step the rollout holds at: its pause, or its gate when that was inconclusive or is
   * not installed.
   *
   * @param digest the candidate digest the person approves, or empty for the one in status
   * @return what was written, for the person to read
   */
  String promote(Optional<String> digest) {
    ModelDeploymentStatus status = rolloutOf(read());
    String bound = digest.orElse(status.getCanaryDigest());
    String reason =
        status.getConditions().stream()
            .filter(c -> ModelDeploymentConditions.PROGRESSING.equals(c.getType()))
            .map(c -> c.getReason())
            .findFirst()
            .orElse("");
    Hold hold =
        ModelDeploymentConditions.GATE_INCONCLUSIVE.equals(reason)
                || ModelDeploymentConditions.GATE_UNAVAILABLE.equals(reason)
            ? Hold.gate
            : Hold.pause;
    Approval approval = new Approval(bound, status.getCurrentStep(), hold);
    annotate(RolloutAnnotations.PROMOTE, approval.value(), RolloutAnnotations.ABORT);
    return "approved step "
        + approval.step()
        + " ("
        + hold
        + ") of ModelVersion "
        + status.getCanaryVersion()
        + " with digest "
        + bound
        + warning(status, bound);
  }

  /**
   * Aborts the rollout of the candidate.
   *
   * @param digest the candidate digest to abort, or empty for the one in status
   */
  String abort(Optional<String> digest) {
    ModelDeploymentStatus status = rolloutOf(read());
    String bound = digest.orElse(status.getCanaryDigest());
    annotate(RolloutAnnotations.ABORT, bound, RolloutAnnotations.PROMOTE);
    return "asked to abort the rollout of ModelVersion "
        + status.getCanaryVersion()
        + " with digest "
        + bound
        + warning(status, bound);
  }

  private ModelDeployment read() {
    ModelDeployment md =
        client.resources(ModelDeployment.class).inNamespace(namespace).withName(name).get();
    if (md == null) {
      throw new IllegalArgumentException(
          "ModelDeployment " + name + " not found in namespace " + namespace);
    }
    return md;
  }

  private ModelDeploymentStatus rolloutOf(ModelDeployment md) {
    ModelDeploymentStatus status = md.getStatus();
    if (status == null || status.getCanaryVersion() == null || status.getCanaryDigest() == null) {
      throw new IllegalArgumentException(
          "ModelDeployment "
              + name
              + " has no rollout in progress (status.canaryVersion is empty)");
    }
    return status;
  }

  /** Sets one annotation and removes the other, so a stale word cannot outlive a new one. */
  private void annotate(String key, String value, String removed) {
    client
        .resources(ModelDeployment.class)
        .inNamespace(namespace)
        .withName(name)
        .edit(
            md -> {
              Map<String, String> annotations =
                  new LinkedHashMap<>(
                      Optional.ofNullable(md.getMetadata().getAnnotations()).orElse(Map.of()));
              annotations.put(key, value);
              annotations.remove(removed);
              md.getMetadata().setAnnotations(annotations);
              return md;
            });
  }

  private static String warning(ModelDeploymentStatus status, String bound) {
    return bound.equals(status.getCanaryDigest())
        ? ""
        : "; note: the candidate now has digest "
            + status.getCanaryDigest()
            + ", so the operator will refuse this";
  }
}
