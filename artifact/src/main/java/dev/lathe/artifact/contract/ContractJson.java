package dev.lathe.artifact.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reading and writing the contracts' JSON, with every problem reported as a {@link
 * ContractViolation} that names where the JSON came from (an environment variable, a file).
 */
final class ContractJson {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final String DIGEST = "sha256:[0-9a-f]{64}";

  private final String source;

  /**
   * @param source what the JSON is, as messages name it: LATHE_FETCH_PLAN, lathe/inputs.json
   */
  ContractJson(String source) {
    this.source = source;
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An environment variable's value as a JSON object. */
  JsonNode read(String json) {
    if (json == null || json.isBlank()) {
      throw invalid("is not set");
    }
    return read(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A file's bytes as a JSON object. */
  JsonNode read(byte[] json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw invalid("is not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw invalid("is not a JSON object");
    }
    return node;
  }

  JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.path(field);
    if (!node.isObject()) {
      throw invalid("has no " + field + " object");
    }
    return node;
  }

  String text(JsonNode node, String field, String name) {
    String value = node.path(field).asText("");
    if (value.isBlank()) {
      throw invalid("has no " + name);
    }
    return value;
  }

  StoreAddress address(JsonNode node, String name) {
    JsonNode address = node.path("address");
    if (!address.isObject()) {
      throw invalid("has no " + name);
    }
    try {
      return JSON.treeToValue(address, StoreAddress.class);
    } catch (IOException | IllegalArgumentException e) {
      throw invalid(name + " is not a storage address: " + e.getMessage());
    }
  }

  Optional<String> digest(JsonNode node, String field, String name) {
    Optional<String> digest = Optional.of(node.path(field).asText("")).filter(d -> !d.isEmpty());
    if (digest.isPresent() && !digest.get().matches(DIGEST)) {
      throw invalid(name + " must be sha256:<64 hex digits>, was " + digest.get());
    }
    return digest;
  }

  ContractViolation invalid(String problem) {
    return new ContractViolation(source + " " + problem);
  }
}
