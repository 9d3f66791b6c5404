package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What a training pod's fetch step fetched, for the lineage: written by the trainer image into the
 * plan's inputs file and uploaded as {@link #KEY}, read by the operator when it signs the
 * provenance. Digests are sha256:HEX.
 *
 * @param baseModel the base model as fetched
 * @param dataset the training data as fetched
 * @param evalDataset the held-out data, when the plan had some
 */
public record FetchedInputs(BaseModel baseModel, Input dataset, Optional<Input> evalDataset) {

  /** Where the inputs lie under an attempt's prefix. */
  public static final String KEY = "lathe/inputs.json";

  public FetchedInputs {
    evalDataset = evalDataset == null ? Optional.empty() : evalDataset;
  }

  /** A fetched object or prefix and the digest of what was fetched. */
  public record Input(String uri, String digest) {}

  /**
   * @param verified whether the base was a signed ModelVersion verified against the trust policy
   * @param keyId the key that signed it, when verified
   */
  public record BaseModel(String uri, String digest, boolean verified, Optional<String> keyId) {
    public BaseModel {
      keyId = keyId == null ? Optional.empty() : keyId;
    }
  }

  public String toJson() {
    ObjectNode inputs = ContractJson.object();
    ObjectNode base = inputs.putObject("baseModel");
    base.put("uri", baseModel.uri());
    base.put("digest", baseModel.digest());
    base.put("verified", baseModel.verified());
    baseModel.keyId().ifPresent(id -> base.put("keyId", id));
    inputs.set("dataset", input(dataset));
    evalDataset.ifPresent(e -> inputs.set("evalDataset", input(e)));
    return ContractJson.write(inputs);
  }

  /**
   * @throws ContractViolation naming {@link #KEY} and what is missing
   */
  public static FetchedInputs fromJson(byte[] json) {
    ContractJson reader = new ContractJson(KEY);
    JsonNode inputs = reader.read(json);
    JsonNode base = reader.object(inputs, "baseModel");
    return new FetchedInputs(
        new BaseModel(
            reader.text(base, "uri", "baseModel.uri"),
            reader.text(base, "digest", "baseModel.digest"),
            base.path("verified").asBoolean(false),
            Optional.of(base.path("keyId").asText("")).filter(id -> !id.isEmpty())),
        input(reader, reader.object(inputs, "dataset"), "dataset"),
        inputs.hasNonNull("evalDataset")
            ? Optional.of(input(reader, reader.object(inputs, "evalDataset"), "evalDataset"))
            : Optional.empty());
  }

  private static ObjectNode input(Input input) {
    return ContractJson.object().put("uri", input.uri()).put("digest", input.digest());
  }

  private static Input input(ContractJson reader, JsonNode node, String name) {
    return new Input(
        reader.text(node, "uri", name + ".uri"), reader.text(node, "digest", name + ".digest"));
  }
}
