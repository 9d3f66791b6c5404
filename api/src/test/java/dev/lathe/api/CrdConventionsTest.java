package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ProjectLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Each committed CRD follows the API conventions DESIGN.md sets for Lathe resources. */
class CrdConventionsTest {

  static Stream<Arguments> crds() {
    return Stream.of(
        Arguments.of("finetunejobs.lathe.dev-v1.yml", "FineTuneJob", "ftj", "Succeeded"),
        Arguments.of("modelversions.lathe.dev-v1.yml", "ModelVersion", "mv", "Verified"),
        Arguments.of("modeldeployments.lathe.dev-v1.yml", "ModelDeployment", "md", "Available"));
  }

  private static JsonNode crd(String file) {
    return ManifestFiles.documents(ProjectLayout.crds().resolve(Path.of(file))).get(0);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("crds")
  void crdIsNamespacedInTheLatheCategoryWithItsShortName(
      String file, String kind, String shortName, String condition) {
    JsonNode spec = crd(file).path("spec");
    assertThat(spec.path("group").asString()).isEqualTo("lathe.dev");
    assertThat(spec.path("scope").asString()).isEqualTo("Namespaced");
    assertThat(spec.path("names").path("kind").asString()).isEqualTo(kind);
    assertThat(spec.path("names").path("shortNames").get(0).asString()).isEqualTo(shortName);
    assertThat(spec.path("names").path("categories").get(0).asString()).isEqualTo("lathe");
    JsonNode version = spec.path("versions").get(0);
    assertThat(version.path("name").asString()).isEqualTo("v1alpha1");
    assertThat(version.path("subresources").has("status")).as("status subresource").isTrue();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("crds")
  void printerColumnsReadConditionsNotPhaseStrings(
      String file, String kind, String shortName, String condition) {
    List<String> paths = new ArrayList<>();
    crd(file)
        .path("spec")
        .path("versions")
        .get(0)
        .path("additionalPrinterColumns")
        .forEach(c -> paths.add(c.path("jsonPath").asString()));
    assertThat(paths)
        .contains(".status.conditions[?(@.type==\"" + condition + "\")].status")
        .contains(".metadata.creationTimestamp")
        .noneMatch(p -> p.contains("phase"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("crds")
  void conditionsAreAListMapKeyedByTypeSoServerSideApplyMergesThem(
      String file, String kind, String shortName, String condition) {
    JsonNode conditions =
        crd(file)
            .path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("status")
            .path("properties")
            .path("conditions");
    assertThat(conditions.path("x-kubernetes-list-type").asString()).isEqualTo("map");
    assertThat(conditions.path("x-kubernetes-list-map-keys").size()).isEqualTo(1);
    assertThat(conditions.path("x-kubernetes-list-map-keys").get(0).asString()).isEqualTo("type");
    List<String> required = new ArrayList<>();
    conditions.path("items").path("required").forEach(r -> required.add(r.asString()));
    assertThat(required).as("a list-map key must be required").contains("type");
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("crds")
  void everySpecAndStatusFieldHasADescription(
      String file, String kind, String shortName, String condition) {
    JsonNode root = crd(file).path("spec").path("versions").get(0).path("schema");
    JsonNode properties = root.path("openAPIV3Schema").path("properties");
    List<String> undocumented = new ArrayList<>();
    collectUndocumented(properties.path("spec"), "spec", undocumented);
    collectUndocumented(properties.path("status"), "status", undocumented);
    assertThat(undocumented).as("fields without a description (kubectl explain text)").isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("crds")
  void everyCelRuleCarriesAHumanMessage(
      String file, String kind, String shortName, String condition) {
    List<JsonNode> rules = new ArrayList<>();
    collectRules(crd(file), rules);
    assertThat(rules).isNotEmpty();
    assertThat(rules).allSatisfy(r -> assertThat(r.path("message").asString()).isNotBlank());
  }

  private static void collectUndocumented(JsonNode schema, String path, List<String> out) {
    if (schema.path("description").asString("").isBlank()) {
      out.add(path);
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      collectUndocumented(property.getValue(), path + "." + property.getKey(), out);
    }
    JsonNode items = schema.path("items");
    if (items.isObject() && items.has("properties")) {
      for (Map.Entry<String, JsonNode> property : items.path("properties").properties()) {
        collectUndocumented(property.getValue(), path + "[]." + property.getKey(), out);
      }
    }
  }

  private static void collectRules(JsonNode node, List<JsonNode> out) {
    if (node.isObject()) {
      node.path("x-kubernetes-validations").forEach(out::add);
    }
    node.forEach(child -> collectRules(child, out));
  }
}
