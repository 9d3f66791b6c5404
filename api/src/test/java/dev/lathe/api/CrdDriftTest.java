package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under crds/ are exactly what the build generates from the Java types, and the
 * Helm chart's copies are exactly those.
 */
class CrdDriftTest {

  private static final String HOW_TO_FIX =
      "regenerate with `mvn -B -pl api process-classes -Pupdate-crds` and commit crds/ and charts/lathe/files/crds/";

  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");

  @Test
  void committedCrdsMatchTheCrdsGeneratedFromTheJavaTypes() throws IOException {
    List<String> generated = crdFileNames(GENERATED);
    assertThat(generated)
        .as("the CRD generator produced no CRDs; did process-classes run?")
        .hasSize(3);
    assertThat(crdFileNames(ProjectLayout.crds()))
        .as("crds/ holds other CRD files than the build generates: " + HOW_TO_FIX)
        .containsExactlyElementsOf(generated);
    for (String name : generated) {
      assertThat(Files.readString(ProjectLayout.crds().resolve(name)))
          .as("crds/%s differs from the CRD generated from the Java types: %s", name, HOW_TO_FIX)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  @Test
  void theChartsCrdsAreByteForByteTheCommittedCrds() throws IOException {
    Path chart = ProjectLayout.root().resolve("charts/lathe/files/crds");
    assertThat(crdFileNames(chart))
        .as("charts/lathe/files/crds/ holds other CRD files than crds/: " + HOW_TO_FIX)
        .containsExactlyElementsOf(crdFileNames(ProjectLayout.crds()));
    for (String name : crdFileNames(ProjectLayout.crds())) {
      assertThat(Files.readString(chart.resolve(name)))
          .as("charts/lathe/files/crds/%s differs from crds/%s: %s", name, name, HOW_TO_FIX)
          .isEqualTo(Files.readString(ProjectLayout.crds().resolve(name)));
    }
  }

  private static List<String> crdFileNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith("-v1.yml"))
          .sorted()
          .toList();
    }
  }
}
