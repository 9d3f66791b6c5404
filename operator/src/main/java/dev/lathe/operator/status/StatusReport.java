package dev.lathe.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * The report step of every reconciler: writes the decided status when it differs from the observed
 * one, remembers the write in {@link OwnWrites}, and only then records the decision's Events. The
 * write is a forced server-side apply of the whole status to the status subresource, as field
 * manager {@value #FIELD_MANAGER}, without a resourceVersion: this operator owns the status, so
 * there is nothing to conflict with, and no 409 leaves Events told for a status that was never
 * written. Against Fabric8's mock server, which lacks server-side apply, tests choose a JSON patch
 * that sets the whole status (not a merge patch: the mock server appends lists under one).
 */
public final class StatusReport {

  /** The field manager owning every Lathe status. */
  public static final String FIELD_MANAGER = "lathe-operator";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final EventRecorder events;
  private final OwnWrites writes;
  private final boolean serverSideApply;

  /**
   * @param serverSideApply true against a real API server; false only for the mock server
   */
  public StatusReport(
      KubernetesClient client, EventRecorder events, OwnWrites writes, boolean serverSideApply) {
    this.client = client;
    this.events = events;
    this.writes = writes;
    this.serverSideApply = serverSideApply;
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
      writes.remember(serverSideApply ? apply(observed, decided) : patch(observed, decided));
    }
    for (PlannedEvent event : planned) {
      events.record(observed, event.type(), event.reason(), event.message());
    }
    return changed;
  }

  public OwnWrites writes() {
    return writes;
  }

  private <S, R extends CustomResource<?, S>> R apply(R observed, S decided) {
    R fresh = fresh(observed);
    fresh.setStatus(decided);
    return client
        .resource(fresh)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(FIELD_MANAGER)
                .withForce(true)
                .build());
  }

  private <S, R extends CustomResource<?, S>> R patch(R observed, S decided) {
    String patch = "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + JSON.asJson(decided) + "}]";
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) observed.getClass();
    return client
        .resources(type)
        .inNamespace(observed.getMetadata().getNamespace())
        .withName(observed.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
  }

  @SuppressWarnings("unchecked")
  private static <R extends CustomResource<?, ?>> R fresh(R observed) {
    try {
      R fresh = (R) observed.getClass().getDeclaredConstructor().newInstance();
      ObjectMeta meta = new ObjectMeta();
      meta.setName(observed.getMetadata().getName());
      meta.setNamespace(observed.getMetadata().getNamespace());
      fresh.setMetadata(meta);
      return fresh;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate " + observed.getClass(), e);
    }
  }
}
