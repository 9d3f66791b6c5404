package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart's Argo CD health scripts run by gopher-lua on live objects, so every verdict is checked
 * on a status a real reconcile wrote. With {@code -Dlathe.health.capture=true} each object checked
 * is also written as the fixture HealthScriptsTest reads ({@code
 * src/test/resources/argocd-health/<Kind>/<Health>-<situation>.yaml}), which is how those fixtures
 * are made: captured, not written by hand.
 */
final class LiveHealth {

  static final String CAPTURE = "lathe.health.capture";
  static final Path FIXTURES = Path.of("src", "test", "resources", "argocd-health");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesSerialization serialization;
  private final String capturedBy;

  LiveHealth(KubernetesSerialization serialization, String capturedBy) {
    this.serialization = serialization;
    this.capturedBy = capturedBy;
  }

  /** The health status the script gives the object. */
  String of(GenericKubernetesResource live) throws IOException {
    return verdict(live).path("status").asText();
  }

  /**
   * Asserts that the script gives {@code health} with a message, and captures the object as the
   * fixture {@code <health>-<situation>} when asked to.
   */
  void expect(GenericKubernetesResource live, String health, String situation) throws IOException {
    JsonNode verdict = verdict(live);
    String what = live.getKind() + "/" + live.getMetadata().getName() + " (" + situation + ")";
    assertThat(verdict.path("status").asText())
        .as(what + ": " + verdict + " for status " + serialization.asJson(statusOf(live)))
        .isEqualTo(health);
    assertThat(verdict.path("message").asText()).as(what).isNotBlank();
    if (Boolean.getBoolean(CAPTURE)) {
      capture(live, health + "-" + situation + ".yaml");
    }
  }

  private JsonNode verdict(GenericKubernetesResource live) throws IOException {
    Path file = Files.createTempFile("lathe-live-", ".json");
    try {
      Files.writeString(file, serialization.asJson(live));
      Command.Result result =
          Command.run(
                  Map.of(),
                  List.of(
                      GoTools.luaHealth().toString(),
                      RepositoryRoot.chart()
                          .resolve("files/argocd/" + live.getKind() + ".lua")
                          .toString(),
                      file.toString()))
              .ok();
      return JSON.readTree(result.stdout().strip());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** What Argo CD's health check reads: identity, generation, spec and status; nothing else. */
  private void capture(GenericKubernetesResource live, String fileName) throws IOException {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", live.getMetadata().getName());
    metadata.put("namespace", live.getMetadata().getNamespace());
    metadata.put("generation", live.getMetadata().getGeneration());
    Map<String, Object> fixture = new LinkedHashMap<>();
    fixture.put("apiVersion", live.getApiVersion());
    fixture.put("kind", live.getKind());
    fixture.put("metadata", metadata);
    fixture.put("spec", live.getAdditionalProperties().get("spec"));
    fixture.put("status", statusOf(live));
    Path file = FIXTURES.resolve(live.getKind()).resolve(fileName);
    Files.writeString(
        file,
        "# Captured from a real reconcile by "
            + capturedBy
            + " (-D"
            + CAPTURE
            + "=true, see e2e/helm/README.md): regenerate it, do not edit it.\n"
            + serialization.asYaml(fixture).replaceFirst("^---\n", ""));
  }

  private static Object statusOf(GenericKubernetesResource live) {
    return live.getAdditionalProperties().get("status");
  }
}
