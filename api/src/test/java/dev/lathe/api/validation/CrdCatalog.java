package dev.lathe.api.validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The CustomResourceDefinitions in a folder, looked up by apiVersion and kind. */
public final class CrdCatalog {

  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  private final Map<String, JsonNode> schemasByGroupVersionKind = new LinkedHashMap<>();

  private CrdCatalog() {}

  /** Loads every *.yml and *.yaml CRD in the folder. */
  public static CrdCatalog load(Path folder) {
    CrdCatalog catalog = new CrdCatalog();
    try (Stream<Path> files = Files.list(folder)) {
      files
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .forEach(catalog::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return catalog;
  }

  private void add(Path file) {
    JsonNode crd = YAML.readTree(file.toFile());
    String group = crd.path("spec").path("group").asString();
    String kind = crd.path("spec").path("names").path("kind").asString();
    for (JsonNode version : crd.path("spec").path("versions")) {
      String apiVersion = group + "/" + version.path("name").asString();
      schemasByGroupVersionKind.put(
          key(apiVersion, kind), version.path("schema").path("openAPIV3Schema"));
    }
  }

  /** The openAPIV3Schema for the kind, or null when no CRD in the folder defines it. */
  public JsonNode schemaFor(String apiVersion, String kind) {
    return schemasByGroupVersionKind.get(key(apiVersion, kind));
  }

  public int size() {
    return schemasByGroupVersionKind.size();
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + "," + kind;
  }
}
