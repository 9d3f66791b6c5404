package dev.lathe.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Optional;

/**
 * Patches a resource's status only when a reconcile changed it, so a resync writes nothing to the
 * API server: take a snapshot before the reconcile touches the status, then ask for the control.
 */
public final class StatusPatch {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final String before;

  private StatusPatch(String before) {
    this.before = before;
  }

  /** A snapshot of {@code status} (the status a resource without one would get). */
  public static StatusPatch before(Object status) {
    return new StatusPatch(JSON.asJson(status));
  }

  /** Patch the status if it changed since the snapshot; look again after {@code next}, if any. */
  public <R extends CustomResource<?, ?>> UpdateControl<R> control(
      R resource, Optional<Duration> next) {
    UpdateControl<R> control =
        before.equals(JSON.asJson(resource.getStatus()))
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(resource);
    next.ifPresent(control::rescheduleAfter);
    return control;
  }
}
