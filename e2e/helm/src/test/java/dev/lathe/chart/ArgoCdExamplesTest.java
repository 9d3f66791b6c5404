package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** examples/argocd/ says what the chart's health scripts and a canary's HTTPRoute need. */
class ArgoCdExamplesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> KINDS =
      List.of("FineTuneJob", "ModelVersion", "ModelDeployment");
  private static final Path EXAMPLES = RepositoryRoot.path().resolve("examples/argocd");

  @Test
  void theArgocdCmSnippetHoldsExactlyTheChartsHealthScripts() throws IOException {
    assertHoldsTheScripts(
        YAML.readTree(EXAMPLES.resolve("argocd-cm-health.yaml").toFile()).path("data"));
  }

  @Test
  void theArgoCdHelmValuesHoldExactlyTheChartsHealthScripts() throws IOException {
    assertHoldsTheScripts(
        YAML.readTree(EXAMPLES.resolve("argocd-helm-values.yaml").toFile())
            .path("configs")
            .path("cm"));
  }

  @Test
  void theTeamApplicationIgnoresOnlyTheHttpRouteWeightsAndRespectsThatOnSync() throws IOException {
    JsonNode spec =
        YAML.readTree(EXAMPLES.resolve("team-models-application.yaml").toFile()).path("spec");
    JsonNode ignored = spec.path("ignoreDifferences");
    assertThat(ignored).hasSize(1);
    assertThat(ignored.get(0).path("group").asText()).isEqualTo("gateway.networking.k8s.io");
    assertThat(ignored.get(0).path("kind").asText()).isEqualTo("HTTPRoute");
    assertThat(ignored.get(0).path("jqPathExpressions").get(0).asText())
        .isEqualTo(".spec.rules[].backendRefs[].weight");
    assertThat(spec.path("syncPolicy").path("syncOptions").toString())
        .contains("RespectIgnoreDifferences=true");
  }

  @Test
  void theChartApplicationPointsAtTheChartWithValuesItsSchemaAccepts() throws IOException {
    JsonNode source =
        YAML.readTree(EXAMPLES.resolve("lathe-application.yaml").toFile())
            .path("spec")
            .path("source");
    assertThat(source.path("path").asText()).isEqualTo("charts/lathe");
    Path values = Files.createTempFile("lathe-argocd-values-", ".yaml");
    YAML.writeValue(values.toFile(), source.path("helm").path("valuesObject"));
    Helm.offline()
        .run(
            "template",
            "lathe",
            Helm.chart(),
            "-n",
            "lathe-system",
            "--kube-version",
            Helm.KUBE_VERSION,
            "-f",
            values.toString())
        .ok();
  }

  private static void assertHoldsTheScripts(JsonNode keys) throws IOException {
    assertThat(keys.size()).isEqualTo(KINDS.size());
    for (String kind : KINDS) {
      String script =
          Files.readString(RepositoryRoot.chart().resolve("files/argocd/" + kind + ".lua"));
      assertThat(keys.path("resource.customizations.health.lathe.dev_" + kind).asText())
          .as(kind)
          .isEqualTo(script);
    }
  }
}
