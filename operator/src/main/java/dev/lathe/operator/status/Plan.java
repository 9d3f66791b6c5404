package dev.lathe.operator.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a decision concluded, for every kind: the status to report (a copy of the observed one,
 * changed), its conditions and planned Events through a {@link ConditionWriter}, the steps to take
 * in order, and when to look again if no watched object will say.
 *
 * @param <S> the kind's status
 * @param <T> the kind's step type
 */
public final class Plan<S, T> {

  private final S status;
  private final ConditionWriter conditions;
  private final List<T> steps = new ArrayList<>();
  private Optional<Duration> next = Optional.empty();

  public Plan(S status, ConditionWriter conditions) {
    this.status = status;
    this.conditions = conditions;
  }

  public S status() {
    return status;
  }

  public ConditionWriter conditions() {
    return conditions;
  }

  public List<T> steps() {
    return List.copyOf(steps);
  }

  public Optional<Duration> next() {
    return next;
  }

  public void step(T step) {
    steps.add(step);
  }

  public void next(Duration after) {
    next = Optional.of(after);
  }

  public void clearNext() {
    next = Optional.empty();
  }
}
