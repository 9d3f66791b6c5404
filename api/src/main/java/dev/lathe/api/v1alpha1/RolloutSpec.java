package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A canary rollout: traffic steps, the evaluation gate and how traffic is split. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!self.steps.exists(s, has(s.evaluate) && s.evaluate) || has(self.evaluation)",
    message = "steps with evaluate: true need an evaluation gate")
public class RolloutSpec {

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(
      value =
          "self.map(s, s.weight).isSorted() && self.all(s, self.exists_one(t, t.weight =="
              + " s.weight))",
      message = "canary step weights must be strictly ascending")
  @JsonPropertyDescription(
      "steps is required: the canary's share of traffic, step by step, with strictly ascending"
          + " weights. After the last step passes, the canary is promoted to all traffic.")
  private List<CanaryStep> steps;

  @JsonPropertyDescription(
      "evaluation is optional: the gate run at every step with evaluate: true. Required when any"
          + " step evaluates.")
  private EvaluationGate evaluation;

  @JsonPropertyDescription(
      "trafficRouting is optional: how traffic is split between stable and canary. Absent means"
          + " by replica ratio behind one Service.")
  private TrafficRouting trafficRouting;

  public List<CanaryStep> getSteps() {
    return steps;
  }

  public void setSteps(List<CanaryStep> steps) {
    this.steps = steps;
  }

  public EvaluationGate getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(EvaluationGate evaluation) {
    this.evaluation = evaluation;
  }

  public TrafficRouting getTrafficRouting() {
    return trafficRouting;
  }

  public void setTrafficRouting(TrafficRouting trafficRouting) {
    this.trafficRouting = trafficRouting;
  }
}
