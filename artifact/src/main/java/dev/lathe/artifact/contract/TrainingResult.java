package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a finished run produced, left at {@link #KEY}: written by the trainer image, read by the
 * operator, which copies its numeric figures into the ModelVersion's status. A trainer of another
 * make may write other figures; the operator copies every number it finds.
 *
 * @param steps optimizer steps run
 * @param trainLoss the last step's training loss
 * @param evalLoss the final held-out loss, when there is held-out data
 * @param trainTokens tokens trained on
 * @param seconds wall time of the run
 * @param manifestDigest the digest of the artifact's manifest, sha256:HEX
 * @param method the fine-tuning method (lora, full)
 */
public record TrainingResult(
    int steps,
    double trainLoss,
    Optional<Double> evalLoss,
    long trainTokens,
    double seconds,
    String manifestDigest,
    String method) {

  /** Where the result lies under an attempt's prefix (and under the trainer's output directory). */
  public static final String KEY = "lathe/result.json";

  public TrainingResult {
    evalLoss = evalLoss == null ? Optional.empty() : evalLoss;
  }

  public String toJson() {
    ObjectNode result = ContractJson.object();
    result.put("steps", steps);
    result.put("trainLoss", trainLoss);
    evalLoss.ifPresent(v -> result.put("evalLoss", v));
    result.put("trainTokens", trainTokens);
    result.put("seconds", seconds);
    result.put("manifestDigest", manifestDigest);
    result.put("method", method);
    return ContractJson.write(result);
  }

  /**
   * Every numeric figure of a result file, in its order: this record's and any a trainer of another
   * make adds.
   *
   * @throws ContractViolation when the bytes are not a JSON object
   */
  public static Map<String, Double> figures(byte[] json) {
    JsonNode node = new ContractJson(KEY).read(json);
    Map<String, Double> figures = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNumber()) {
                figures.put(e.getKey(), e.getValue().asDouble());
              }
            });
    return figures;
  }
}
