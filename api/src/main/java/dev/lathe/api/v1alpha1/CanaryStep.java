package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One step of a canary rollout. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStep {

  @Required
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "weight is required: the canary's percentage of traffic during this step, 1 to 100.")
  private Integer weight;

  @JsonPropertyDescription(
      "pause is optional: once the step's weight is reached, hold before it is evaluated or the"
          + " next step starts: {duration: 15m} holds that long, {} holds until `kubectl lathe"
          + " promote md/NAME` approves. Absent means no hold.")
  private CanaryPause pause;

  @JsonPropertyDescription(
      "evaluate is optional: when true, the evaluation gate scores canary and stable at the end of"
          + " this step, and the rollout goes on only if the canary passes. Defaults to false.")
  private Boolean evaluate;

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public CanaryPause getPause() {
    return pause;
  }

  public void setPause(CanaryPause pause) {
    this.pause = pause;
  }

  public Boolean getEvaluate() {
    return evaluate;
  }

  public void setEvaluate(Boolean evaluate) {
    this.evaluate = evaluate;
  }
}
