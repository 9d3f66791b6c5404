package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.status.Plan;
import java.time.Instant;

/**
 * Decide, then act: runs the decision on a snapshot and carries its steps out through {@link
 * TrainingActions}, feeding the outcome of a step that has one back into the decision. What comes
 * back is the plan to report. The reconciler wraps it in observe and report; tests drive it against
 * {@code TestingTrainingActions} through a whole life.
 */
public final class TrainingLoop {

  private final TrainingDecision decision;
  private final TrainingActions actions;

  public TrainingLoop(TrainingDecision decision, TrainingActions actions) {
    this.decision = decision;
    this.actions = actions;
  }

  public Plan<FineTuneJobStatus, TrainingStep> run(FineTuneJobSnapshot seen, Instant now) {
    Plan<FineTuneJobStatus, TrainingStep> plan = decision.decide(seen, now);
    for (TrainingStep step : plan.steps()) {
      if (step instanceof TrainingStep.CreateWorkload create) {
        try {
          actions.createWorkload(seen.job(), create);
        } catch (TrainingActions.WorkloadRejected e) {
          return decision.workloadRejected(seen, now, e.getMessage());
        }
      } else if (step instanceof TrainingStep.SetSuspension suspension) {
        actions.setSuspension(seen.job(), suspension);
      } else if (step instanceof TrainingStep.Publish publish) {
        plan =
            decision.afterPublishing(
                plan, seen.job(), publish, actions.publish(seen.job(), publish));
      }
    }
    return plan;
  }

  public TrainingActions actions() {
    return actions;
  }
}
