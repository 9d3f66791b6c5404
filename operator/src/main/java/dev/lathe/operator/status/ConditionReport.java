package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets conditions other than Accepted and tells the story in Events: one Event when a condition's
 * status or reason changes, none when only its message moves on (progress would flood them).
 */
public class ConditionReport {

  private final EventRecorder events;
  private final Clock clock;

  public ConditionReport(EventRecorder events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  /**
   * @param eventType {@link EventRecorder#NORMAL}, {@link EventRecorder#WARNING}, or null for a
   *     condition whose changes are not worth an Event
   */
  public void set(
      HasMetadata about,
      ConditionedStatus status,
      String type,
      String value,
      String reason,
      String message,
      String eventType) {
    long generation =
        about.getMetadata().getGeneration() == null ? 0 : about.getMetadata().getGeneration();
    Condition wanted = new Condition(type, value, reason, message);
    wanted.setObservedGeneration(generation);
    Optional<Condition> previous = StatusConditions.find(status.getConditions(), type);
    boolean changed =
        previous
            .map(
                p ->
                    !Objects.equals(p.getStatus(), value) || !Objects.equals(p.getReason(), reason))
            .orElse(true);
    if (changed && eventType != null) {
      events.record(about, eventType, reason, message);
    }
    StatusConditions.set(status.getConditions(), wanted, clock);
  }

  public static boolean isTrue(ConditionedStatus status, String type) {
    return status != null
        && StatusConditions.find(status.getConditions(), type)
            .map(c -> Condition.TRUE.equals(c.getStatus()))
            .orElse(false);
  }
}
