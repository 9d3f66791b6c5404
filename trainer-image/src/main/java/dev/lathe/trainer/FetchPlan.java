package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the fetch step brings into the pod, from LATHE_FETCH_PLAN (JSON, written by the operator):
 * the base model, the dataset and optionally an evaluation dataset, each from a storage address to
 * a local path, and where to record what was fetched.
 */
record FetchPlan(
    String namespace,
    BaseModel baseModel,
    Dataset dataset,
    Optional<Dataset> evalDataset,
    Path inputs) {

  /**
   * The base model: a signed ModelVersion ({@code verify}) or a raw Hugging Face directory.
   *
   * @param expectedDigest the manifest digest the base must have, when the plan pins one
   */
  record BaseModel(
      StoreAddress address, boolean verify, Optional<String> expectedDigest, Path target) {}

  /**
   * A dataset: the object {@code key} under the address, or, when the key is empty, every *.jsonl
   * object under it in key order.
   */
  record Dataset(StoreAddress address, String key, Path target) {
    String uri() {
      return key.isEmpty() ? address.uri() : address.resolve(key).uri();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static FetchPlan fromEnvironment(Map<String, String> env) {
    JsonNode plan = PlanVariable.read(env, TrainerContract.FETCH_PLAN);
    JsonNode base = object(plan, "baseModel");
    boolean verify = base.path("verify").asBoolean(false);
    String namespace = plan.path("namespace").asText("");
    if (verify && namespace.isEmpty()) {
      throw invalid("needs a namespace to verify the base model in");
    }
    Optional<String> expected =
        Optional.of(base.path("expectedDigest").asText("")).filter(d -> !d.isEmpty());
    expected.ifPresent(
        d -> {
          if (!d.matches("sha256:[0-9a-f]{64}")) {
            throw invalid("baseModel.expectedDigest must be sha256:<64 hex digits>, was " + d);
          }
        });
    return new FetchPlan(
        namespace,
        new BaseModel(address(base, "baseModel"), verify, expected, path(base, "baseModel")),
        dataset(object(plan, "dataset"), "dataset"),
        plan.hasNonNull("evalDataset")
            ? Optional.of(dataset(object(plan, "evalDataset"), "evalDataset"))
            : Optional.empty(),
        Path.of(text(plan, "inputs", "inputs")));
  }

  private static Dataset dataset(JsonNode node, String name) {
    return new Dataset(address(node, name), node.path("key").asText(""), path(node, name));
  }

  private static JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.path(field);
    if (!node.isObject()) {
      throw invalid("has no " + field + " object");
    }
    return node;
  }

  private static StoreAddress address(JsonNode node, String name) {
    JsonNode address = node.path("address");
    if (!address.isObject()) {
      throw invalid("has no " + name + ".address");
    }
    try {
      return JSON.treeToValue(address, StoreAddress.class);
    } catch (IOException | IllegalArgumentException e) {
      throw invalid(name + ".address is not a storage address: " + e.getMessage());
    }
  }

  private static Path path(JsonNode node, String name) {
    return Path.of(text(node, "target", name + ".target"));
  }

  private static String text(JsonNode node, String field, String name) {
    String value = node.path(field).asText("");
    if (value.isBlank()) {
      throw invalid("has no " + name);
    }
    return value;
  }

  private static TrainerContract.ContractException invalid(String problem) {
    return new TrainerContract.ContractException(TrainerContract.FETCH_PLAN + " " + problem);
  }
}
