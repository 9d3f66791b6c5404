package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A running trainer's progress: written by the trainer image after each step and pushed to {@link
 * #KEY} under the attempt's prefix, read by the operator into the FineTuneJob's status.
 *
 * @param step the last finished optimizer step
 * @param totalSteps how many steps the run has
 * @param epoch the fractional epoch reached
 * @param loss the last step's training loss
 * @param evalLoss the last held-out loss, when there is held-out data
 * @param tokensPerSecond training throughput since the run (or its resumption) began
 * @param estimatedCompletionTime when the run should end (RFC 3339), once a step was timed
 * @param updateTime when this was written (RFC 3339)
 */
public record ProgressReport(
    long step,
    long totalSteps,
    Optional<Double> epoch,
    Optional<Double> loss,
    Optional<Double> evalLoss,
    Optional<Double> tokensPerSecond,
    Optional<String> estimatedCompletionTime,
    Optional<String> updateTime) {

  /** Where progress lies under an attempt's prefix (and under the trainer's output directory). */
  public static final String KEY = "lathe/progress.json";

  public String toJson() {
    ObjectNode progress = ContractJson.object();
    progress.put("step", step);
    progress.put("totalSteps", totalSteps);
    epoch.ifPresent(v -> progress.put("epoch", v));
    loss.ifPresent(v -> progress.put("loss", v));
    evalLoss.ifPresent(v -> progress.put("evalLoss", v));
    tokensPerSecond.ifPresent(v -> progress.put("tokensPerSecond", v));
    estimatedCompletionTime.ifPresent(v -> progress.put("estimatedCompletionTime", v));
    updateTime.ifPresent(v -> progress.put("updateTime", v));
    return ContractJson.write(progress);
  }

  /**
   * @throws ContractViolation when the bytes are not a JSON object
   */
  public static ProgressReport fromJson(byte[] json) {
    JsonNode node = new ContractJson(KEY).read(json);
    return new ProgressReport(
        node.path("step").asLong(),
        node.path("totalSteps").asLong(),
        number(node, "epoch"),
        number(node, "loss"),
        number(node, "evalLoss"),
        number(node, "tokensPerSecond"),
        text(node, "estimatedCompletionTime"),
        text(node, "updateTime"));
  }

  private static Optional<Double> number(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.path(field).asDouble()) : Optional.empty();
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.path(field).asText()) : Optional.empty();
  }
}
