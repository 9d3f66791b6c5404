package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.storage.StoreAddress;
import java.util.Optional;

/**
 * What a ModelVersion's verification Job checks, passed as {@link TrainerEnvironment#VERIFY_PLAN}:
 * written by the operator ({@link #toJson}), read by the trainer image's verify step ({@link
 * #fromJson}), which answers with a {@link VerificationReport}.
 *
 * @param namespace the namespace whose trusted keys apply
 * @param address the artifact's storage address
 * @param expectedDigest the manifest digest the signature must cover, when the operator pins one
 */
public record VerifyPlan(String namespace, StoreAddress address, Optional<String> expectedDigest) {

  public VerifyPlan {
    expectedDigest = expectedDigest == null ? Optional.empty() : expectedDigest;
  }

  public String toJson() {
    ObjectNode plan = ContractJson.object();
    plan.put("namespace", namespace);
    plan.set("address", ContractJson.JSON.valueToTree(address));
    expectedDigest.ifPresent(d -> plan.put("expectedDigest", d));
    return ContractJson.write(plan);
  }

  /**
   * @throws ContractViolation naming {@link TrainerEnvironment#VERIFY_PLAN} and what is wrong
   */
  public static VerifyPlan fromJson(String json) {
    ContractJson reader = new ContractJson(TrainerEnvironment.VERIFY_PLAN);
    JsonNode plan = reader.read(json);
    String namespace = plan.path("namespace").asText("");
    if (namespace.isEmpty()) {
      throw reader.invalid("has no namespace");
    }
    return new VerifyPlan(
        namespace,
        reader.address(plan, "address"),
        reader.digest(plan, "expectedDigest", "expectedDigest"));
  }
}
