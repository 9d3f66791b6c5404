package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's Argo CD health scripts, run on gopher-lua (Argo CD's interpreter) by lua-health,
 * against status fixtures named {@code <ExpectedHealth>-<situation>.yaml}.
 */
class HealthScriptsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES = Path.of("src", "test", "resources", "argocd-health");

  @ParameterizedTest
  @ValueSource(strings = {"FineTuneJob", "ModelVersion", "ModelDeployment"})
  void eachFixtureGetsTheHealthItsNameSaysWithAMessage(String kind) {
    for (JsonNode verdict : run(kind, fixtures(kind))) {
      String fixture = Path.of(verdict.path("fixture").asText()).getFileName().toString();
      String expected = fixture.substring(0, fixture.indexOf('-'));
      assertThat(verdict.path("status").asText()).as(kind + " " + fixture).isEqualTo(expected);
      assertThat(verdict.path("message").asText()).as(kind + " " + fixture).isNotBlank();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FineTuneJob", "ModelVersion", "ModelDeployment"})
  void everyFixtureWasCapturedFromARealReconcileUnlessItsNameSaysHandWritten(String kind)
      throws IOException {
    for (Path fixture : fixtures(kind)) {
      boolean handWritten = fixture.getFileName().toString().endsWith(".hand-written.yaml");
      assertThat(Files.readString(fixture).startsWith("# Captured from a real reconcile by "))
          .as(fixture + " (see LiveHealth)")
          .isNotEqualTo(handWritten);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FineTuneJob", "ModelDeployment"})
  void everyKindThatCanPauseHasHealthyProgressingSuspendedAndDegradedFixtures(String kind) {
    assertThat(fixtures(kind).stream().map(HealthScriptsTest::expected))
        .contains("Healthy", "Progressing", "Suspended", "Degraded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ModelVersion"})
  void aModelVersionNeverSuspendsAndHasHealthyProgressingAndDegradedFixtures(String kind) {
    assertThat(fixtures(kind).stream().map(HealthScriptsTest::expected))
        .contains("Healthy", "Progressing", "Degraded")
        .doesNotContain("Suspended");
  }

  @ParameterizedTest
  @ValueSource(strings = {"FineTuneJob", "ModelVersion", "ModelDeployment"})
  void aResourceTheOperatorHasNotSeenIsProgressingNotHealthy(String kind) throws IOException {
    Path fresh = Files.createTempFile("lathe-fresh-", ".yaml");
    Files.writeString(
        fresh,
        "apiVersion: lathe.dev/v1alpha1\nkind: " + kind + "\nmetadata: {name: x, generation: 1}\n");
    JsonNode verdict = run(kind, List.of(fresh)).get(0);
    assertThat(verdict.path("status").asText()).isEqualTo("Progressing");
    assertThat(verdict.path("message").asText()).contains("generation 1");
  }

  @org.junit.jupiter.api.Test
  void aScriptThatReturnsAStatusArgoCdDoesNotKnowFailsTheRunner() throws IOException {
    Path script = Files.createTempFile("lathe-bad-", ".lua");
    Files.writeString(script, "return {status = \"Fine\", message = \"all good\"}\n");
    Command.Result result =
        Command.run(
            Map.of(),
            List.of(
                GoTools.luaHealth().toString(),
                script.toString(),
                fixtures("ModelVersion").get(0).toString()));
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("\"Fine\"").contains("Argo CD does not know");
  }

  private static List<JsonNode> run(String kind, List<Path> fixtures) {
    List<String> command = new ArrayList<>();
    command.add(GoTools.luaHealth().toString());
    command.add(RepositoryRoot.chart().resolve("files/argocd/" + kind + ".lua").toString());
    fixtures.forEach(f -> command.add(f.toString()));
    Command.Result result = Command.run(Map.of(), command).ok();
    List<JsonNode> verdicts = new ArrayList<>();
    for (String line : result.stdout().strip().split("\n")) {
      try {
        verdicts.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(verdicts).hasSameSizeAs(fixtures);
    return verdicts;
  }

  private static List<Path> fixtures(String kind) {
    try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String expected(Path fixture) {
    String name = fixture.getFileName().toString();
    return name.substring(0, name.indexOf('-'));
  }
}
