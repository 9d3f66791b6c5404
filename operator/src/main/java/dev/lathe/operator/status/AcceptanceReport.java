package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reports an {@link Acceptance} on a resource: the Accepted condition, observedGeneration, and an
 * Event when the verdict changes. The status is patched only when something in it changed, so a
 * resync does not write to the API server.
 */
public class AcceptanceReport {

  public static final String ACCEPTED = "Accepted";

  private final EventRecorder events;
  private final Clock clock;
  private final Duration recheck;

  /**
   * @param recheck how soon a spec rejected for a missing Secret, claim or ModelVersion is looked
   *     at again: those objects are not watched, so a reschedule notices them
   */
  public AcceptanceReport(EventRecorder events, Clock clock, Duration recheck) {
    this.events = events;
    this.clock = clock;
    this.recheck = recheck;
  }

  public <S extends ConditionedStatus, R extends CustomResource<?, S>> UpdateControl<R> report(
      R resource, Acceptance acceptance, Supplier<S> newStatus) {
    StatusPatch patch =
        StatusPatch.before(Optional.ofNullable(resource.getStatus()).orElseGet(newStatus));
    apply(resource, acceptance, newStatus);
    return patch.control(
        resource, acceptance.waitsOnOtherObjects() ? Optional.of(recheck) : Optional.empty());
  }

  /**
   * Sets the Accepted condition and observedGeneration on the resource's status (created when
   * absent) and records an Event when the verdict changed; the caller patches.
   */
  public <S extends ConditionedStatus, R extends CustomResource<?, S>> S apply(
      R resource, Acceptance acceptance, Supplier<S> newStatus) {
    S status = Optional.ofNullable(resource.getStatus()).orElseGet(newStatus);
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();

    Condition wanted = acceptance.toCondition(ACCEPTED, generation);
    Optional<Condition> previous = StatusConditions.find(status.getConditions(), ACCEPTED);
    if (previous.isEmpty() || verdictChanged(previous.get(), wanted)) {
      events.record(
          resource,
          acceptance.accepted() ? EventRecorder.NORMAL : EventRecorder.WARNING,
          wanted.getReason(),
          wanted.getMessage());
    }
    StatusConditions.set(status.getConditions(), wanted, clock);
    status.setObservedGeneration(generation);
    resource.setStatus(status);
    return status;
  }

  public Duration recheck() {
    return recheck;
  }

  private static boolean verdictChanged(Condition previous, Condition wanted) {
    return !Objects.equals(previous.getStatus(), wanted.getStatus())
        || !Objects.equals(previous.getReason(), wanted.getReason())
        || !Objects.equals(previous.getMessage(), wanted.getMessage());
  }
}
