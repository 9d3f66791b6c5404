package dev.lathe.operator.modeldeployment;

import java.time.Instant;

/**
 * Decide, then act: runs the decision on a snapshot and carries its steps out through {@link
 * ServingActions}; an object the API server refuses makes the plan say so, and the steps after it
 * wait for the next reconcile. The reconciler wraps it in observe and report; tests drive it
 * against {@code TestingServingActions} through a whole life.
 */
public final class ServingLoop {

  private final ServingDecision decision;
  private final ServingActions actions;

  public ServingLoop(ServingDecision decision, ServingActions actions) {
    this.decision = decision;
    this.actions = actions;
  }

  public ServingPlan run(ServingSnapshot seen, Instant now) {
    ServingPlan plan = decision.decide(seen, now);
    for (ServingStep step : plan.steps()) {
      if (step instanceof ServingStep.Apply apply) {
        try {
          actions.apply(seen.deployment(), apply);
        } catch (ServingActions.WorkloadRejected e) {
          decision.rejected(plan, apply.object(), e.getMessage());
          return plan;
        }
      } else if (step instanceof ServingStep.Retire retire) {
        actions.retire(seen.deployment(), retire);
      } else if (step instanceof ServingStep.Remove remove) {
        actions.remove(seen.deployment(), remove);
      } else if (step instanceof ServingStep.SetRouteWeights weights) {
        try {
          actions.setRouteWeights(seen.deployment(), weights);
        } catch (ServingActions.WorkloadRejected e) {
          decision.rejected(plan, weights.weights(), e.getMessage());
          return plan;
        }
      }
    }
    return plan;
  }
}
