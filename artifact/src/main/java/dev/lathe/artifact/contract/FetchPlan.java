package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.storage.StoreAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a training pod's fetch step brings into the pod, passed as {@link
 * TrainerEnvironment#FETCH_PLAN}: written by the operator ({@link #toJson}), read by the trainer
 * image ({@link #fromJson}). Each item goes from a storage address to a path in the pod ({@link
 * TrainingPodPaths}); {@code inputs} is where the fetch step records what it fetched ({@link
 * FetchedInputs}).
 *
 * @param namespace the namespace whose trusted keys verify a signed base
 * @param baseModel the base model
 * @param dataset the training data
 * @param evalDataset the held-out data, when the job names a location for it
 * @param inputs the path of the inputs file the fetch step writes
 */
public record FetchPlan(
    String namespace,
    BaseModel baseModel,
    Dataset dataset,
    Optional<Dataset> evalDataset,
    String inputs) {

  public FetchPlan {
    Objects.requireNonNull(baseModel, "baseModel");
    Objects.requireNonNull(dataset, "dataset");
    evalDataset = evalDataset == null ? Optional.empty() : evalDataset;
  }

  /**
   * The base model: a signed ModelVersion ({@code verify}), downloaded and verified against the
   * namespace's trusted keys, or a raw Hugging Face directory, downloaded and hashed.
   *
   * @param expectedDigest the manifest digest the base must have, when the plan pins one
   * @param target where the files go in the pod
   */
  public record BaseModel(
      StoreAddress address, boolean verify, Optional<String> expectedDigest, String target) {
    public BaseModel {
      expectedDigest = expectedDigest == null ? Optional.empty() : expectedDigest;
    }
  }

  /**
   * A dataset: the object {@code key} under the address, or, when the key is empty, every *.jsonl
   * object under it in key order, joined by newlines into {@code target}.
   */
  public record Dataset(StoreAddress address, String key, String target) {
    public String uri() {
      return key.isEmpty() ? address.uri() : address.resolve(key).uri();
    }
  }

  public String toJson() {
    ObjectNode plan = ContractJson.object();
    plan.put("namespace", namespace);
    ObjectNode base = plan.putObject("baseModel");
    base.set("address", ContractJson.JSON.valueToTree(baseModel.address()));
    base.put("verify", baseModel.verify());
    baseModel.expectedDigest().ifPresent(d -> base.put("expectedDigest", d));
    base.put("target", baseModel.target());
    plan.set("dataset", dataset(dataset));
    evalDataset.ifPresent(e -> plan.set("evalDataset", dataset(e)));
    plan.put("inputs", inputs);
    return ContractJson.write(plan);
  }

  /**
   * @throws ContractViolation naming {@link TrainerEnvironment#FETCH_PLAN} and what is wrong
   */
  public static FetchPlan fromJson(String json) {
    ContractJson reader = new ContractJson(TrainerEnvironment.FETCH_PLAN);
    JsonNode plan = reader.read(json);
    JsonNode base = reader.object(plan, "baseModel");
    boolean verify = base.path("verify").asBoolean(false);
    String namespace = plan.path("namespace").asText("");
    if (verify && namespace.isEmpty()) {
      throw reader.invalid("needs a namespace to verify the base model in");
    }
    return new FetchPlan(
        namespace,
        new BaseModel(
            reader.address(base, "baseModel.address"),
            verify,
            reader.digest(base, "expectedDigest", "baseModel.expectedDigest"),
            reader.text(base, "target", "baseModel.target")),
        dataset(reader, reader.object(plan, "dataset"), "dataset"),
        plan.hasNonNull("evalDataset")
            ? Optional.of(dataset(reader, reader.object(plan, "evalDataset"), "evalDataset"))
            : Optional.empty(),
        reader.text(plan, "inputs", "inputs"));
  }

  private static ObjectNode dataset(Dataset dataset) {
    ObjectNode node = ContractJson.object();
    node.set("address", ContractJson.JSON.valueToTree(dataset.address()));
    node.put("key", dataset.key());
    node.put("target", dataset.target());
    return node;
  }

  private static Dataset dataset(ContractJson reader, JsonNode node, String name) {
    return new Dataset(
        reader.address(node, name + ".address"),
        node.path("key").asText(""),
        reader.text(node, "target", name + ".target"));
  }
}
