package dev.lathe.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model directory: model.safetensors, or shards named by
 * model.safetensors.index.json's weight_map. Tensors are views of the memory-mapped files.
 */
public final class Checkpoint {

  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Tensor> tensors;

  private Checkpoint(Map<String, Tensor> tensors) {
    this.tensors = tensors;
  }

  public static Checkpoint open(Path directory) {
    Path index = directory.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return openSharded(directory, index);
    }
    Path single = directory.resolve(SINGLE_FILE);
    if (!Files.isRegularFile(single)) {
      throw new SafetensorsException(
          directory
              + " has neither "
              + SINGLE_FILE
              + " nor "
              + INDEX_FILE
              + " (no pickle is ever loaded)");
    }
    return new Checkpoint(SafetensorsFile.read(single).tensors());
  }

  private static Checkpoint openSharded(Path directory, Path index) {
    JsonNode weightMap;
    try {
      weightMap = JSON.readTree(index.toFile()).path("weight_map");
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + index + ": " + e.getMessage(), e);
    }
    Map<String, SafetensorsFile> shards = new TreeMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
      String shard = entry.getValue().asText();
      requireInside(index, shard);
      SafetensorsFile file =
          shards.computeIfAbsent(shard, s -> SafetensorsFile.read(directory.resolve(s)));
      tensors.put(entry.getKey(), file.tensor(entry.getKey()));
    }
    return new Checkpoint(tensors);
  }

  /**
   * Writes tensors as model.safetensors, or as shards of at most {@code maxShardBytes} each with an
   * index when they do not fit in one.
   */
  public static void write(Path directory, Collection<Tensor> tensors, long maxShardBytes) {
    List<List<Tensor>> shards = new ArrayList<>();
    List<Tensor> current = new ArrayList<>();
    long currentBytes = 0;
    long total = 0;
    for (Tensor tensor : tensors) {
      long size = tensor.data().remaining();
      if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(tensor);
      currentBytes += size;
      total += size;
    }
    shards.add(current);
    Map<String, String> metadata = Map.of("format", "pt");
    if (shards.size() == 1) {
      SafetensorsWriter.write(directory.resolve(SINGLE_FILE), shards.get(0), metadata);
      return;
    }
    var index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", total);
    var weightMap = index.putObject("weight_map");
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      SafetensorsWriter.write(directory.resolve(name), shards.get(i), metadata);
      shards.get(i).forEach(t -> weightMap.put(t.name(), name));
    }
    try {
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve(INDEX_FILE).toFile(), index);
    } catch (IOException e) {
      throw new SafetensorsException("cannot write the index: " + e.getMessage(), e);
    }
  }

  /** Refuses a shard name that could leave the checkpoint's directory. */
  static void requireInside(Path index, String shard) {
    if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
      throw new SafetensorsException(index + " names a shard outside the directory: " + shard);
    }
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  public Tensor tensor(String name) {
    Tensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new SafetensorsException("the checkpoint has no tensor " + name);
    }
    return tensor;
  }
}
