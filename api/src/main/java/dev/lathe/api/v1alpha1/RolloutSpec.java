package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
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

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "progressDeadline is optional: how long the candidate's pods may take to become ready at a"
          + " step before the rollout is aborted with reason CandidateUnhealthy. Defaults to 10m.")
  private String progressDeadline;

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "scaleDownDelay is optional: how long the old stable version's pod keeps running after a"
          + " promotion, and the candidate's pods after a rollback or abort (they get no traffic"
          + " meanwhile), so requests in flight finish. Defaults to 30s.")
  private String scaleDownDelay;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "failureLimit is optional: how many Failed gate runs a step tolerates, as Argo Rollouts'"
          + " failureLimit: each tolerated failure runs the gate again (a new evaluation Job), and"
          + " one more rolls the candidate back. Defaults to 0: the first failure rolls back.")
  private Integer failureLimit;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "consecutiveErrorLimit is optional: how many gate runs in a row a step tolerates ending in"
          + " Error (the evaluation itself could not run), as Argo Rollouts' consecutiveErrorLimit:"
          + " each is run again, and one more rolls the candidate back with reason GateErrored."
          + " Defaults to 4.")
  private Integer consecutiveErrorLimit;

  public String getProgressDeadline() {
    return progressDeadline;
  }

  public void setProgressDeadline(String progressDeadline) {
    this.progressDeadline = progressDeadline;
  }

  public String getScaleDownDelay() {
    return scaleDownDelay;
  }

  public void setScaleDownDelay(String scaleDownDelay) {
    this.scaleDownDelay = scaleDownDelay;
  }

  public Integer getFailureLimit() {
    return failureLimit;
  }

  public void setFailureLimit(Integer failureLimit) {
    this.failureLimit = failureLimit;
  }

  public Integer getConsecutiveErrorLimit() {
    return consecutiveErrorLimit;
  }

  public void setConsecutiveErrorLimit(Integer consecutiveErrorLimit) {
    this.consecutiveErrorLimit = consecutiveErrorLimit;
  }

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
