package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a status' condition list the way Kubernetes expects: one condition per type, and a
 * lastTransitionTime that moves only when the status itself flips.
 */
public final class StatusConditions {

  private StatusConditions() {}

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the status has a condition of {@code type} that is True. */
  public static boolean isTrue(ConditionedStatus status, String type) {
    return status != null
        && find(status.getConditions(), type)
            .map(c -> Condition.TRUE.equals(c.getStatus()))
            .orElse(false);
  }

  /**
   * Sets the condition of {@code wanted}'s type to {@code wanted}, keeping the previous
   * lastTransitionTime when the status did not change.
   */
  public static void set(List<Condition> conditions, Condition wanted, Clock clock) {
    set(conditions, wanted, Instant.now(clock));
  }

  /** As {@link #set(List, Condition, Clock)}, at {@code now}. */
  public static void set(List<Condition> conditions, Condition wanted, Instant now) {
    Optional<Condition> previous = find(conditions, wanted.getType());
    boolean flipped =
        previous.map(p -> !Objects.equals(p.getStatus(), wanted.getStatus())).orElse(true);
    wanted.setLastTransitionTime(
        flipped
            ? now.truncatedTo(ChronoUnit.SECONDS).toString()
            : previous.get().getLastTransitionTime());
    previous.ifPresentOrElse(
        p -> conditions.set(conditions.indexOf(p), wanted), () -> conditions.add(wanted));
  }
}
