package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place every decision sets conditions. It writes into a status the decision owns (never
 * one from a cache) and plans the Events, with one rule for all kinds: a condition that appears or
 * whose status or reason changes is told once; a change of message alone (progress, counts) is not.
 * Events are only planned here; the report records them after the status was written, so a write
 * that fails (a conflict) tells nothing twice.
 */
public final class ConditionWriter {

  private final ConditionedStatus status;
  private final long generation;
  private final Instant now;
  private final List<Condition> observed;
  private final Map<String, PlannedEvent> events = new LinkedHashMap<>();

  /**
   * @param status the status being planned, a copy of the observed one
   * @param generation the metadata.generation the conditions describe
   * @param now the decision's clock reading
   */
  public ConditionWriter(ConditionedStatus status, long generation, Instant now) {
    this.status = status;
    this.generation = generation;
    this.now = now;
    this.observed = status.getConditions().stream().map(ConditionWriter::copy).toList();
  }

  public void set(String type, String value, String reason, String message, Notice notice) {
    Condition wanted = new Condition(type, value, reason, message);
    wanted.setObservedGeneration(generation);
    StatusConditions.set(status.getConditions(), wanted, now);
    Optional<Condition> before = StatusConditions.find(observed, type);
    boolean told =
        before
            .map(
                b ->
                    !Objects.equals(b.getStatus(), value) || !Objects.equals(b.getReason(), reason))
            .orElse(true);
    if (told && notice.eventType() != null) {
      events.put(type, new PlannedEvent(notice.eventType(), reason, message));
    } else {
      // Set twice in one decision: only the last word counts.
      events.remove(type);
    }
  }

  /** The condition of {@code type} as planned so far. */
  public Optional<Condition> get(String type) {
    return StatusConditions.find(status.getConditions(), type);
  }

  public boolean isTrue(String type) {
    return get(type).map(c -> Condition.TRUE.equals(c.getStatus())).orElse(false);
  }

  public List<PlannedEvent> events() {
    return new ArrayList<>(events.values());
  }

  private static Condition copy(Condition c) {
    Condition copy = new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    copy.setObservedGeneration(c.getObservedGeneration());
    copy.setLastTransitionTime(c.getLastTransitionTime());
    return copy;
  }
}
