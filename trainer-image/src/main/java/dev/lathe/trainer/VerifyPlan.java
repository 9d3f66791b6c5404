package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What a ModelVersion verification Job checks, from LATHE_VERIFY_PLAN (JSON, written by the
 * operator): the artifact's address, the namespace whose trusted keys apply, and optionally the
 * manifest digest the ModelVersion pins.
 */
record VerifyPlan(String namespace, StoreAddress address, Optional<String> expectedDigest) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static VerifyPlan fromEnvironment(Map<String, String> env) {
    JsonNode plan = PlanVariable.read(env, TrainerContract.VERIFY_PLAN);
    String namespace = plan.path("namespace").asText("");
    if (namespace.isEmpty()) {
      throw invalid("has no namespace");
    }
    if (!plan.path("address").isObject()) {
      throw invalid("has no address");
    }
    StoreAddress address;
    try {
      address = JSON.treeToValue(plan.path("address"), StoreAddress.class);
    } catch (IOException | IllegalArgumentException e) {
      throw invalid("address is not a storage address: " + e.getMessage());
    }
    Optional<String> expected =
        Optional.of(plan.path("expectedDigest").asText("")).filter(d -> !d.isEmpty());
    if (expected.isPresent() && !expected.get().matches("sha256:[0-9a-f]{64}")) {
      throw invalid("expectedDigest must be sha256:<64 hex digits>, was " + expected.get());
    }
    return new VerifyPlan(namespace, address, expected);
  }

  private static TrainerContract.ContractException invalid(String problem) {
    return new TrainerContract.ContractException(TrainerContract.VERIFY_PLAN + " " + problem);
  }
}
