package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code lathe story} played on an {@link ExistingCluster} as a user runs it (a process of the
 * built CLI, its settings in the {@code LATHE_E2E_*} variables), then what a user sees on that
 * cluster afterwards, read through its API and its endpoint rather than the story's own account:
 * the conditions of every resource, which version serves the adapter, and an answer from it.
 */
final class ClusterStory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_VERSION = "lathe.dev/v1alpha1";
  private static final String NAMESPACE = "demo";

  private ClusterStory() {}

  /** Plays the story; fails unless it ends with 0 within the limit. Returns what it printed. */
  static String play(Path repository, ExistingCluster cluster, Path state) throws Exception {
    Path log = state.resolve("story.log");
    Files.createDirectories(state);
    ProcessBuilder builder =
        new ProcessBuilder(
                "java",
                "-jar",
                repository.resolve("cli/target/lathe-cli.jar").toString(),
                "story",
                "--state",
                state.toString())
            .directory(repository.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(cluster.variables());
    Process story = builder.start();
    try {
      boolean ended = story.waitFor(35, TimeUnit.MINUTES);
      String out = Files.readString(log);
      assertThat(ended).as("the story ends within 35 minutes; its output:\n%s", out).isTrue();
      assertThat(story.exitValue()).as("exit status; output:\n%s", out).isZero();
      return out;
    } finally {
      story.destroyForcibly();
    }
  }

  /**
   * What the story leaves for a user to see: every FineTuneJob published, every ModelVersion
   * verified, the deployment serving the adapter at v2 after v3's rollback, and the endpoint
   * answering with v2's verified digest.
   */
  static void assertWhatAUserSees(ExistingCluster cluster) throws Exception {
    try (KubernetesClient client = client(cluster)) {
      for (String job : List.of("v1", "v2", "v3")) {
        assertThat(condition(get(client, "FineTuneJob", job), "Succeeded"))
            .as("FineTuneJob %s Succeeded", job)
            .containsEntry("status", "True")
            .containsEntry("reason", "Published");
      }
      for (String version : List.of("tiny-base", "v1", "v2", "v3")) {
        assertThat(condition(get(client, "ModelVersion", version), "Verified"))
            .as("ModelVersion %s Verified", version)
            .containsEntry("status", "True");
      }
      GenericKubernetesResource md = get(client, "ModelDeployment", "tiny-chat");
      // Rolled back, it is Degraded and so not Ready, until the spec names another version; the
      // stable version serves throughout.
      assertThat(condition(md, "Available"))
          .as("tiny-chat Available")
          .containsEntry("status", "True")
          .containsEntry("reason", "Serving");
      assertThat(condition(md, "RolledBack"))
          .as("tiny-chat RolledBack")
          .containsEntry("status", "True")
          .containsEntry("reason", "GateFailed");
      assertThat(servedAdapterVersion(md))
          .as("the adapter serves v2 after v3's rollback")
          .isEqualTo("v2");
      JsonNode status = JSON.valueToTree(md.getAdditionalProperties().get("status"));
      String digest =
          JSON.valueToTree(
                  get(client, "ModelVersion", "v2").getAdditionalProperties().get("status"))
              .at("/artifact/manifestDigest")
              .asText();
      JsonNode answer = complete(status.path("endpoint").asText(), "tiny-copy");
      assertThat(answer.path("system_fingerprint").asText())
          .as("the endpoint answers tiny-copy with v2's verified digest")
          .isEqualTo(digest)
          .startsWith("sha256:");
    }
  }

  /** The version that answers for adapter tiny-copy, as status.adapters says. */
  static String servedAdapterVersion(GenericKubernetesResource md) {
    JsonNode adapters =
        JSON.valueToTree(md.getAdditionalProperties().get("status")).path("adapters");
    for (JsonNode adapter : adapters) {
      if ("tiny-copy".equals(adapter.path("name").asText())) {
        return adapter.path("modelVersion").asText();
      }
    }
    throw new AssertionError("no adapter tiny-copy in status.adapters: " + adapters);
  }

  static KubernetesClient client(ExistingCluster cluster) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig())))
        .build();
  }

  /** A resource of the story's namespace, as {@code kubectl get KIND NAME -n demo} reads it. */
  static GenericKubernetesResource get(KubernetesClient client, String kind, String name) {
    GenericKubernetesResource resource =
        client
            .genericKubernetesResources(API_VERSION, kind)
            .inNamespace(NAMESPACE)
            .withName(name)
            .get();
    assertThat(resource).as("%s %s in %s", kind, name, NAMESPACE).isNotNull();
    return resource;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> condition(GenericKubernetesResource resource, String type) {
    Map<String, Object> status =
        (Map<String, Object>) resource.getAdditionalProperties().get("status");
    assertThat(status).as("%s status", resource.getMetadata().getName()).isNotNull();
    return ((List<Map<String, Object>>) status.getOrDefault("conditions", List.of()))
        .stream()
            .filter(c -> type.equals(c.get("type")))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        resource.getKind()
                            + " "
                            + resource.getMetadata().getName()
                            + " has no "
                            + type
                            + " condition: "
                            + status));
  }

  /** One greedy completion, as an OpenAI client sends it (HTTP/1.1, as ServeStep explains). */
  private static JsonNode complete(String endpoint, String model)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String body =
        JSON.writeValueAsString(
            Map.of("model", model, "prompt", "Copy: maple ember frost ->", "max_tokens", 8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint + "/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("POST %s/completions: %s", endpoint, response.body())
        .isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
