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

  void step(ServingStep step) {
    steps.add(step);
  }

  void refusal(PodRefusal refusal) {
    refusals.add(refusal);
  }

  void next(Duration after) {
    next = Optional.of(after);
  }
}
