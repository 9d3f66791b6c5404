package dev.lathe.api.validation;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a CRD's x-kubernetes-validations rules offline, as the API server would: each rule runs
 * with {@code self} bound to the value at its node, and transition rules (those that use {@code
 * oldSelf}) run only on an update where the old object had the node.
 *
 * <p>The API server's CEL environment adds Kubernetes libraries to standard CEL. Lathe's rules use
 * one of them, the lists library's {@code isSorted()}, which is bound here with the same meaning.
 */
final class CelRuleCheck {

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .addFunctionDeclarations(
              CelFunctionDecl.newFunctionDeclaration(
                  "isSorted",
                  CelOverloadDecl.newMemberOverload(
                      "list_is_sorted", SimpleType.BOOL, ListType.create(SimpleType.DYN))))
          .addFunctionBindings(
              CelFunctionBinding.from("list_is_sorted", List.class, CelRuleCheck::isSorted))
          .build();

  private static final Map<String, CelAbstractSyntaxTree> COMPILED = new ConcurrentHashMap<>();

  private final JsonNode rootSchema;

  CelRuleCheck(JsonNode rootSchema) {
    this.rootSchema = rootSchema;
  }

  /** Problems with a new object, or with an update when {@code oldManifest} is not null. */
  List<String> check(JsonNode manifest, JsonNode oldManifest) {
    List<String> problems = new ArrayList<>();
    walk(rootSchema, manifest, oldManifest, "", problems);
    return problems;
  }

  private void walk(
      JsonNode schema, JsonNode value, JsonNode oldValue, String path, List<String> problems) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      evaluate(rule, schema, value, oldValue, path, problems);
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        JsonNode fieldSchema = properties.path(field.getKey());
        if (fieldSchema.isObject()) {
          JsonNode oldField = oldValue == null ? null : oldValue.get(field.getKey());
          walk(
              fieldSchema,
              field.getValue(),
              oldField,
              FieldPaths.child(path, field.getKey()),
              problems);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      // Without list-type map keys the API server cannot pair old and new items, so rules
      // inside lists never see oldSelf.
      for (int i = 0; i < value.size(); i++) {
        walk(schema.path("items"), value.get(i), null, FieldPaths.item(path, i), problems);
      }
    }
  }

  private void evaluate(
      JsonNode rule,
      JsonNode schema,
      JsonNode value,
      JsonNode oldValue,
      String path,
      List<String> problems) {
    String expression = rule.path("rule").asString();
    boolean transition = expression.contains("oldSelf");
    if (transition && (oldValue == null || oldValue.isNull())) {
      return;
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", toCel(schema, value));
    if (transition) {
      variables.put("oldSelf", toCel(schema, oldValue));
    }
    Object result;
    try {
      result = CEL.createProgram(compile(expression)).eval(variables);
    } catch (CelEvaluationException e) {
      problems.add(orRoot(path) + ": rule failed to evaluate: " + e.getMessage());
      return;
    }
    if (!Boolean.TRUE.equals(result)) {
      String message = rule.path("message").asString("failed rule: " + expression);
      String where = rule.has("fieldPath") ? path + rule.path("fieldPath").asString() : path;
      problems.add(orRoot(where) + ": " + message);
    }
  }

  private static String orRoot(String path) {
    return path.isEmpty() ? "<root>" : path;
  }

  private static CelAbstractSyntaxTree compile(String expression) {
    return COMPILED.computeIfAbsent(
        expression,
        e -> {
          try {
            return CEL.compile(e).getAst();
          } catch (CelValidationException invalid) {
            throw new IllegalArgumentException("CEL rule does not compile: " + e, invalid);
          }
        });
  }

  /**
   * Converts a JSON value to the CEL value the API server would give the rule: integers as int,
   * schema numbers as double even when written without a fraction, objects as maps.
   */
  private static Object toCel(JsonNode schema, JsonNode value) {
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        JsonNode fieldSchema =
            properties.has(field.getKey()) ? properties.path(field.getKey()) : additional;
        map.put(field.getKey(), toCel(fieldSchema, field.getValue()));
      }
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(toCel(schema.path("items"), item)));
      return list;
    }
    if (value.isNumber()) {
      return "number".equals(schema.path("type").asString()) || value.isFloatingPointNumber()
          ? (Object) value.asDouble()
          : (Object) value.asLong();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asString();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean isSorted(List list) {
    Iterator<Object> items = list.iterator();
    if (!items.hasNext()) {
      return true;
    }
    Comparable previous = (Comparable) items.next();
    while (items.hasNext()) {
      Comparable next = (Comparable) items.next();
      if (previous.compareTo(next) > 0) {
        return false;
      }
      previous = next;
    }
    return true;
  }
}
