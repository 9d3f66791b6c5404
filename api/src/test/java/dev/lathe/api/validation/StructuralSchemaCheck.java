package dev.lathe.api.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a manifest against a CRD's openAPIV3Schema the way the API server does with kubectl's
 * strict field validation: types, bounds, patterns, enums, required fields, and no unknown fields.
 *
 * <p>The CRD schema is OpenAPI v3, whose numeric keywords follow JSON Schema draft 4 (boolean
 * exclusiveMinimum), so draft 4 is the dialect. Unknown fields are refused by closing every object
 * that lists its properties, which is what the API server's pruning plus strict validation amounts
 * to for a manifest.
 */
final class StructuralSchemaCheck {

  private final Schema schema;

  StructuralSchemaCheck(JsonNode openApiV3Schema) {
    ObjectNode root = (ObjectNode) openApiV3Schema.deepCopy();
    // The API server knows these three fields of every object; CRD schemas need not list them.
    ObjectNode properties = root.withObject("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    JsonNode closed = closeObjects(root);
    this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(closed);
  }

  List<String> check(JsonNode manifest) {
    List<String> problems = new ArrayList<>();
    for (Error error : schema.validate(manifest)) {
      problems.add(
          FieldPaths.fromJsonPointer(error.getInstanceLocation().toString())
              + ": "
              + error.getMessage());
    }
    return problems;
  }

  private static JsonNode closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      boolean preservesUnknown =
          object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      if (object.has("properties") && !object.has("additionalProperties") && !preservesUnknown) {
        object.put("additionalProperties", false);
      }
      for (Map.Entry<String, JsonNode> child : object.properties()) {
        closeObjects(child.getValue());
      }
    } else if (node != null && node.isArray()) {
      node.forEach(StructuralSchemaCheck::closeObjects);
    }
    return node;
  }
}
