package dev.lathe.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * The report step of every reconciler: writes the decided status when it differs from the observed
 * one, remembers the write in {@link OwnWrites}, and only then records the decision's Events. The
 * write is one JSON patch of the status subresource that sets the whole status, without a
 * resourceVersion: this operator owns the status, so there is nothing to conflict with, and no 409
 * leaves Events told for a status that was never written. (A JSON patch, not a merge patch:
 * Fabric8's mock server appends lists under a merge patch, where the API server replaces them.)
 */
public final class StatusReport {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final EventRecorder events;
  private final OwnWrites writes;

  public StatusReport(KubernetesClient client, EventRecorder events, OwnWrites writes) {
    this.client = client;
    this.events = events;
    this.writes = writes;
  }

  /**
   * @param observed the resource as observed (its status is what the decision started from)
   * @param decided the status the decision wants
   * @param planned the Events the decision planned
   * @return whether the status was written
   */
  public <S, R extends CustomResource<?, S>> boolean report(
      R observed, S decided, List<PlannedEvent> planned) {
    boolean changed = !JSON.asJson(observed.getStatus()).equals(JSON.asJson(decided));
    if (changed) {
      String patch =
          "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + JSON.asJson(decided) + "}]";
      @SuppressWarnings("unchecked")
      Class<R> type = (Class<R>) observed.getClass();
      R written =
          client
              .resources(type)
              .inNamespace(observed.getMetadata().getNamespace())
              .withName(observed.getMetadata().getName())
              .subresource("status")
              .patch(PatchContext.of(PatchType.JSON), patch);
      writes.remember(written);
    }
    for (PlannedEvent event : planned) {
      events.record(observed, event.type(), event.reason(), event.message());
    }
    return changed;
  }

  public OwnWrites writes() {
    return writes;
  }
}
