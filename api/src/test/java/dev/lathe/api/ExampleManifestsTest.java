package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ManifestValidator;
import dev.lathe.api.validation.ProjectLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every manifest a user may copy from examples/ is one the API server accepts. */
class ExampleManifestsTest {

  private static final ManifestValidator VALIDATOR = ManifestValidator.forProjectCrds();

  static List<Path> examples() {
    return ManifestFiles.in(ProjectLayout.examples());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsAcceptedBySchemaAndCelRules(Path example) {
    List<JsonNode> documents = ManifestFiles.documents(example);
    assertThat(documents).isNotEmpty();
    for (JsonNode document : documents) {
      assertThat(VALIDATOR.validateCreate(document))
          .as("%s (%s)", example.getFileName(), document.path("metadata").path("name"))
          .isEmpty();
    }
  }

  @Test
  void examplesShowEveryKind() {
    Set<String> kinds = new TreeSet<>();
    for (Path example : examples()) {
      ManifestFiles.documents(example).forEach(d -> kinds.add(d.path("kind").asString()));
    }
    assertThat(kinds).contains("FineTuneJob", "ModelVersion", "ModelDeployment");
  }
}
