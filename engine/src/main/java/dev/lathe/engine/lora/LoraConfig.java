package dev.lathe.engine.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A LoRA adapter's settings, read from and written as PEFT's adapter_config.json.
 *
 * @param rank r, the inner dimension of each low-rank pair
 * @param alpha the scaling numerator: updates are scaled by alpha / r
 * @param dropout dropout on the adapter's input while training
 * @param targetModules module names that get adapters, e.g. q_proj, v_proj
 * @param baseModel what the adapter was trained on (name or path), for people
 */
public record LoraConfig(
    int rank, double alpha, double dropout, List<String> targetModules, String baseModel) {

  /** The projections of a Llama layer that may carry adapters, by their PEFT target names. */
  public static final Set<String> SUPPORTED_TARGETS =
      Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  private static final ObjectMapper JSON = new ObjectMapper();

  public LoraConfig {
    if (rank < 1) {
      throw new IllegalArgumentException("LoRA rank must be at least 1");
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1)");
    }
    for (String target : targetModules) {
      if (!SUPPORTED_TARGETS.contains(target)) {
        throw new IllegalArgumentException(
            "unsupported LoRA target module " + target + "; use " + SUPPORTED_TARGETS);
      }
    }
    targetModules = List.copyOf(targetModules);
  }

  public double scaling() {
    return alpha / rank;
  }

  /** The decoder module path of a target, e.g. q_proj → self_attn.q_proj. */
  public static String modulePath(String target) {
    return switch (target) {
      case "q_proj", "k_proj", "v_proj", "o_proj" -> "self_attn." + target;
      default -> "mlp." + target;
    };
  }

  public ObjectNode toJson() {
    ObjectNode json = JSON.createObjectNode();
    json.put("peft_type", "LORA");
    json.put("task_type", "CAUSAL_LM");
    json.put("base_model_name_or_path", baseModel);
    json.put("r", rank);
    json.put("lora_alpha", alpha);
    json.put("lora_dropout", dropout);
    targetModules.forEach(json.putArray("target_modules")::add);
    json.put("bias", "none");
    json.put("fan_in_fan_out", false);
    json.put("inference_mode", true);
    json.put("init_lora_weights", true);
    json.put("use_rslora", false);
    json.put("use_dora", false);
    json.putNull("modules_to_save");
    json.putNull("layers_to_transform");
    return json;
  }

  public static LoraConfig fromJson(JsonNode json) {
    if (!"LORA".equals(json.path("peft_type").asText())) {
      throw new IllegalArgumentException(
          "not a LoRA adapter: peft_type " + json.path("peft_type").asText());
    }
    if (json.path("use_dora").asBoolean(false) || json.path("use_rslora").asBoolean(false)) {
      throw new IllegalArgumentException("DoRA and rsLoRA adapters are not supported");
    }
    if (!"none".equals(json.path("bias").asText("none"))) {
      throw new IllegalArgumentException(
          "LoRA bias " + json.path("bias").asText() + " is not supported");
    }
    List<String> targets = new ArrayList<>();
    JsonNode modules = json.path("target_modules");
    if (modules.isTextual()) {
      throw new IllegalArgumentException(
          "target_modules as a regular expression is not supported; list the modules");
    }
    modules.forEach(m -> targets.add(m.asText()));
    return new LoraConfig(
        json.path("r").asInt(8),
        json.path("lora_alpha").asDouble(8),
        json.path("lora_dropout").asDouble(0),
        targets,
        json.path("base_model_name_or_path").asText(""));
  }
}
