package dev.lathe.api.validation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Validates Lathe manifests offline against the committed CRDs: the schema first, then the CEL
 * rules, as the API server does on create and update. Each problem reads "field.path: message".
 */
public final class ManifestValidator {

  private final CrdCatalog catalog;

  /** Compiled once per kind: building the closed schema and its validator is the costly part. */
  private final Map<JsonNode, StructuralSchemaCheck> structuralChecks = new IdentityHashMap<>();

  public ManifestValidator(CrdCatalog catalog) {
    this.catalog = catalog;
  }

  /** A validator over the repository's crds/ folder. */
  public static ManifestValidator forProjectCrds() {
    return new ManifestValidator(CrdCatalog.load(ProjectLayout.crds()));
  }

  public static ManifestValidator forCrds(Path folder) {
    return new ManifestValidator(CrdCatalog.load(folder));
  }

  /** Problems with creating {@code manifest}; empty when the API server would accept it. */
  public List<String> validateCreate(JsonNode manifest) {
    return validate(manifest, null);
  }

  /** Problems with updating {@code oldManifest} to {@code manifest}. */
  public List<String> validateUpdate(JsonNode oldManifest, JsonNode manifest) {
    return validate(manifest, oldManifest);
  }

  private List<String> validate(JsonNode manifest, JsonNode oldManifest) {
    String apiVersion = manifest.path("apiVersion").asString("");
    String kind = manifest.path("kind").asString("");
    JsonNode schema = catalog.schemaFor(apiVersion, kind);
    if (schema == null) {
      return List.of("no CRD defines " + kind + " in " + apiVersion);
    }
    List<String> problems =
        new ArrayList<>(
            structuralChecks.computeIfAbsent(schema, StructuralSchemaCheck::new).check(manifest));
    if (problems.isEmpty()) {
      // CEL runs only on objects that fit the schema, so rules may rely on field types.
      problems.addAll(new CelRuleCheck(schema).check(manifest, oldManifest));
    }
    return problems;
  }
}
