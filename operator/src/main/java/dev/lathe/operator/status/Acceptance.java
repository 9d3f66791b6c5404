package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The operator's verdict on a spec: accepted, or rejected for the listed problems. Rejection is
 * about what the CRD schema cannot see: references that do not resolve and values it cannot parse.
 */
public record Acceptance(List<Problem> problems) {

  public Acceptance {
    problems = List.copyOf(problems);
  }

  public boolean accepted() {
    return problems.isEmpty();
  }

  /** The Accepted condition, for the given generation, without its transition time. */
  public Condition toCondition(String type, long generation) {
    Condition condition =
        accepted()
            ? new Condition(
                type,
                Condition.TRUE,
                AcceptanceReasons.VALID,
                "the spec is valid and its references resolve")
            : new Condition(
                type,
                Condition.FALSE,
                problems.get(0).reason(),
                problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
    condition.setObservedGeneration(generation);
    return condition;
  }

  /**
   * Reports the verdict through the one condition writer: the Accepted condition, an Event when it
   * appears or its status or reason changes.
   */
  public void report(ConditionWriter writer) {
    Condition wanted = toCondition(AcceptanceReasons.ACCEPTED, 0);
    writer.set(
        AcceptanceReasons.ACCEPTED,
        wanted.getStatus(),
        wanted.getReason(),
        wanted.getMessage(),
        accepted() ? Notice.NORMAL : Notice.WARNING);
  }

  /**
   * Whether {@code status} already says that generation {@code generation} was accepted: observers
   * then keep that verdict instead of looking every reference up again on each resync.
   */
  public static boolean acceptedAt(ConditionedStatus status, long generation) {
    return status != null
        && StatusConditions.find(status.getConditions(), AcceptanceReasons.ACCEPTED)
            .filter(c -> Condition.TRUE.equals(c.getStatus()))
            .filter(
                c -> c.getObservedGeneration() != null && c.getObservedGeneration() == generation)
            .isPresent();
  }

  /** Whether any problem may go away without a spec change (something referenced may appear). */
  public boolean waitsOnOtherObjects() {
    return problems.stream().anyMatch(Problem::waitsOnOtherObjects);
  }
}
