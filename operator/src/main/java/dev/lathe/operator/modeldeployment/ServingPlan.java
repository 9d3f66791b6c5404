package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a serving decision concluded: the status to report (a copy of the observed one, changed),
 * the Events to tell once it is written, the steps to take in order, the refusals pods reported,
 * and when to look again if no watched object will say. (The shape of the other kinds' Plan, kept
 * here until the reconcilers share one.)
 */
public final class ServingPlan {

  private final ModelDeploymentStatus status;
  private final ServingConditionWriter conditions;
  private final List<ServingStep> steps = new ArrayList<>();
  private final List<PodRefusal> refusals = new ArrayList<>();
  private Optional<Duration> next = Optional.empty();
  private Optional<String> rolloutEnded = Optional.empty();
  private final List<GateEnded> gatesEnded = new ArrayList<>();

  /**
   * One evaluation gate run that reached its verdict in this decision.
   *
   * @param job the run's evaluation Job, which names it once
   * @param verdict Passed, Failed, Inconclusive or Error
   * @param duration from the run's start to its verdict
   */
  public record GateEnded(String job, String verdict, Duration duration) {}

  ServingPlan(ModelDeploymentStatus status, ServingConditionWriter conditions) {
    this.status = status;
    this.conditions = conditions;
  }

  public ModelDeploymentStatus status() {
    return status;
  }

  public ServingConditionWriter conditions() {
    return conditions;
  }

  public List<ServingStep> steps() {
    return List.copyOf(steps);
  }

  /** The refusals the pods' termination messages tell, for the refusal counter. */
  public List<PodRefusal> refusals() {
    return List.copyOf(refusals);
  }

  public Optional<Duration> next() {
    return next;
  }

  /**
   * How a rollout ended in this decision, for the outcome counter: {@code Promoted}, or the reason
   * of the rollback (GateFailed, GateErrored, CandidateUnhealthy, RolloutAborted).
   */
  public Optional<String> rolloutEnded() {
    return rolloutEnded;
  }

  /** The gate runs that reached a verdict in this decision, for the gate counter and timer. */
  public List<GateEnded> gatesEnded() {
    return List.copyOf(gatesEnded);
  }

  void gateEnded(GateEnded ended) {
    gatesEnded.add(ended);
  }

  void rolloutEnded(String outcome) {
    rolloutEnded = Optional.of(outcome);
  }

  void step(ServingStep step) {
    steps.add(step);
  }

  void refusal(PodRefusal refusal) {
    refusals.add(refusal);
  }

  void next(Duration after) {
    next = Optional.of(after);
  }

  /** Looks again no later than {@code after}, keeping an earlier time already asked for. */
  void nextAtLatest(Duration after) {
    Duration at = after.isNegative() ? Duration.ZERO : after;
    next = Optional.of(next.filter(n -> n.compareTo(at) < 0).orElse(at));
  }
}
