package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.lora.LoraConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The method and hyperparameters of a run, from LATHE_HYPERPARAMETERS with the FineTuneJob's field
 * names, every absent value replaced by the default the API documents.
 */
public record TrainingPlan(
    String method,
    LoraConfig lora,
    Integer epochs,
    Long maxSteps,
    double learningRate,
    int batchSize,
    int gradientAccumulationSteps,
    int maxSequenceLength,
    int warmupSteps,
    String schedule,
    double weightDecay,
    long seed,
    int checkpointEverySteps) {

  public static TrainingPlan from(JsonNode settings, String baseModel) {
    JsonNode method = settings.path("method");
    JsonNode hp = settings.path("hyperparameters");
    String type = method.path("type").asText("lora");
    if (type.equals("qlora")) {
      throw new TrainerContract.ContractException(
          "method qlora needs a 4-bit quantised base on NVIDIA GPUs, which this trainer does not"
              + " provide; use lora (same adapters, full-precision base) or a qlora-capable trainer image");
    }
    if (!type.equals("lora") && !type.equals("full")) {
      throw new TrainerContract.ContractException(
          "unknown method " + type + " (lora, qlora, full)");
    }
    LoraConfig lora = null;
    if (type.equals("lora")) {
      int rank = method.path("rank").asInt(16);
      List<String> targets = new ArrayList<>();
      method.path("targetModules").forEach(t -> targets.add(t.asText()));
      if (targets.isEmpty()) {
        targets.addAll(List.of("q_proj", "k_proj", "v_proj", "o_proj"));
      }
      try {
        lora =
            new LoraConfig(
                rank,
                method.path("alpha").asDouble(2.0 * rank),
                method.path("dropout").asDouble(0.05),
                targets,
                baseModel);
      } catch (IllegalArgumentException e) {
        throw new TrainerContract.ContractException(e.getMessage());
      }
    }
    if (hp.has("epochs") && hp.has("maxSteps")) {
      throw new TrainerContract.ContractException("set at most one of epochs or maxSteps");
    }
    return new TrainingPlan(
        type,
        lora,
        hp.has("epochs") ? hp.path("epochs").asInt() : null,
        hp.has("maxSteps") ? hp.path("maxSteps").asLong() : null,
        hp.path("learningRate").asDouble(type.equals("lora") ? 2e-4 : 2e-5),
        hp.path("batchSize").asInt(4),
        hp.path("gradientAccumulationSteps").asInt(1),
        hp.path("maxSequenceLength").asInt(2048),
        hp.path("warmupSteps").asInt(0),
        hp.path("learningRateSchedule").asText("cosine"),
        hp.path("weightDecay").asDouble(0),
        hp.path("seed").asLong(42),
        hp.path("checkpointEverySteps").asInt(100));
  }

  /** Sequences per optimizer step. */
  public int examplesPerStep() {
    return batchSize * gradientAccumulationSteps;
  }

  /** maxSteps, or enough steps for the epochs (one when neither is set). */
  public int totalSteps(int trainingExamples) {
    if (maxSteps != null) {
      return Math.toIntExact(maxSteps);
    }
    int perEpoch = (trainingExamples + examplesPerStep() - 1) / examplesPerStep();
    return (epochs == null ? 1 : epochs) * perEpoch;
  }
}
