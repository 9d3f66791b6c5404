package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/**
 * A JSON object the operator passes in one environment variable (LATHE_FETCH_PLAN,
 * LATHE_VERIFY_PLAN); every problem with it names the variable.
 */
final class PlanVariable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanVariable() {}

  static JsonNode read(Map<String, String> env, String variable) {
    String json = env.get(variable);
    if (json == null || json.isBlank()) {
      throw new TrainerContract.ContractException(variable + " is not set");
    }
    JsonNode plan;
    try {
      plan = JSON.readTree(json);
    } catch (IOException e) {
      throw invalid(variable, "is not JSON: " + e.getMessage());
    }
    if (plan == null || !plan.isObject()) {
      throw invalid(variable, "is not a JSON object");
    }
    return plan;
  }

  static TrainerContract.ContractException invalid(String variable, String problem) {
    return new TrainerContract.ContractException(variable + " " + problem);
  }
}
