package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.StatusConditions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets a ModelDeployment's conditions in a status the decision owns and plans the Events, with the
 * rule of every kind: a condition that appears or whose status or reason changes is told once; a
 * change of message alone (counts) is not. Pure: Events are only planned; the reconciler records
 * them.
 */
public final class ServingConditionWriter {

  /**
   * An Event to record once the status is written.
   *
   * @param type {@link #NORMAL} or {@link #WARNING}
   */
  public record PlannedEvent(String type, String reason, String message) {}

  /** The Event types, as {@link EventRecorder} records them (spelled here: this class is pure). */
  public static final String NORMAL = "Normal";

  public static final String WARNING = "Warning";

  private final ConditionedStatus status;
  private final long generation;
  private final Clock clock;
  private final List<Condition> observed;
  private final Map<String, PlannedEvent> events = new LinkedHashMap<>();

  ServingConditionWriter(ConditionedStatus status, long generation, Instant now) {
    this.status = status;
    this.generation = generation;
    this.clock = Clock.fixed(now, ZoneOffset.UTC);
    this.observed =
        status.getConditions().stream()
            .map(c -> new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
            .toList();
  }

  /**
   * @param eventType {@link #NORMAL}, {@link #WARNING}, or null for a condition whose changes are
   *     not worth an Event
   */
  void set(String type, String value, String reason, String message, String eventType) {
    Condition wanted = new Condition(type, value, reason, message);
    wanted.setObservedGeneration(generation);
    StatusConditions.set(status.getConditions(), wanted, clock);
    boolean told =
        StatusConditions.find(observed, type)
            .map(
                b ->
                    !Objects.equals(b.getStatus(), value) || !Objects.equals(b.getReason(), reason))
            .orElse(true);
    if (told && eventType != null) {
      events.put(type, new PlannedEvent(eventType, reason, message));
    } else {
      events.remove(type);
    }
  }

  /** Drops a condition that no longer applies (a setting turned off); tells nothing. */
  void remove(String type) {
    status.getConditions().removeIf(c -> type.equals(c.getType()));
    events.remove(type);
  }

  /** An Event not tied to a condition (an object created, a version retired). */
  void tell(String type, String reason, String message) {
    events.put(reason + ":" + message, new PlannedEvent(type, reason, message));
  }

  public Optional<Condition> get(String type) {
    return StatusConditions.find(status.getConditions(), type);
  }

  public List<PlannedEvent> events() {
    return new ArrayList<>(events.values());
  }
}
