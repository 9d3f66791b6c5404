package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How a canary step holds once its weight is reached: for a duration, or (no duration) until a
 * person approves it with {@code kubectl lathe promote}. The shape of Argo Rollouts' {@code pause}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryPause {

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "duration is optional: how long the step holds, such as 30s, 10m or 1h30m, counted from"
          + " status.pauseStartTime (so an operator restart does not reset it). Absent means the"
          + " step holds until `kubectl lathe promote md/NAME` approves it for the candidate's"
          + " digest.")
  private String duration;

  public String getDuration() {
    return duration;
  }

  public void setDuration(String duration) {
    this.duration = duration;
  }
}
