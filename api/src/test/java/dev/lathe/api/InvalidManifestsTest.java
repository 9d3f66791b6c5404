package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ManifestValidator;
import dev.lathe.api.validation.ProjectLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Each manifest under src/test/resources/invalid breaks one schema constraint or CEL rule, and is
 * refused with a message that names the field. A file's "# expect:" header is the text the error
 * must contain; an "# update:" file holds the stored object and then the refused change.
 */
class InvalidManifestsTest {

  private static final ManifestValidator VALIDATOR = ManifestValidator.forProjectCrds();

  static List<Path> invalidManifests() throws URISyntaxException {
    return ManifestFiles.in(Path.of(InvalidManifestsTest.class.getResource("/invalid").toURI()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void manifestIsRefusedWithAMessageNamingTheField(Path manifest) {
    String expected = ManifestFiles.header(manifest, "expect");
    assertThat(expected).as("# expect: header").isNotBlank();
    List<JsonNode> documents = ManifestFiles.documents(manifest);

    List<String> problems;
    if (ManifestFiles.header(manifest, "update") != null) {
      assertThat(documents).hasSize(2);
      assertThat(VALIDATOR.validateCreate(documents.get(0)))
          .as("the stored object of an update case must itself be valid")
          .isEmpty();
      problems = VALIDATOR.validateUpdate(documents.get(0), documents.get(1));
    } else {
      assertThat(documents).hasSize(1);
      problems = VALIDATOR.validateCreate(documents.get(0));
    }
    assertThat(problems).as("problems found").anySatisfy(p -> assertThat(p).contains(expected));
  }

  @Test
  void everyCelRuleOfTheCrdsIsBrokenByAtLeastOneInvalidManifest() throws URISyntaxException {
    Set<String> expectations = new TreeSet<>();
    for (Path manifest : invalidManifests()) {
      expectations.add(ManifestFiles.header(manifest, "expect"));
    }
    Set<String> uncovered = new TreeSet<>();
    for (Path crd : ManifestFiles.in(ProjectLayout.crds())) {
      collectRuleMessages(ManifestFiles.documents(crd).get(0), uncovered);
    }
    uncovered.removeIf(message -> expectations.stream().anyMatch(e -> e.endsWith(": " + message)));
    assertThat(uncovered).as("CEL rule messages no invalid manifest expects").isEmpty();
  }

  private static void collectRuleMessages(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.path("x-kubernetes-validations").forEach(r -> out.add(r.path("message").asString()));
    }
    node.forEach(child -> collectRuleMessages(child, out));
  }
}
