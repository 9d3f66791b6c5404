package dev.lathe.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An application team's switch: a ModelDeployment serves the base with the fine-tuned adapter, and
 * an OpenAI-style request to {@code status.endpoint} — through the local gateway when it runs — is
 * answered by the adapter, naming the digest of the version that answered.
 */
final class ServeStep implements StoryStep {

  static final String DEPLOYMENT = "tiny-chat";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = Traffic.PROMPT;
  private static final Duration FIRST_ANSWER_LIMIT = Duration.ofSeconds(30);

  /**
   * HTTP/1.1: the JDK's default asks for an h2c upgrade, which Traefik answers 400 and the
   * connection then hangs; an OpenAI client speaks HTTP/1.1 too. One client for every request, as
   * an application keeps one.
   */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String base;
  private final String adapterName;
  private final String adapterVersion;

  ServeStep(String base, String adapterName, String adapterVersion) {
    this.base = base;
    this.adapterName = adapterName;
    this.adapterVersion = adapterVersion;
  }

  @Override
  public String title() {
    return "ModelDeployment "
        + DEPLOYMENT
        + " serves "
        + base
        + " with adapter "
        + adapterName
        + " ("
        + adapterVersion
        + ") behind an OpenAI-compatible endpoint";
  }

  @Override
  public List<String> watch(StoryContext story) {
    return List.of(
        "kubectl lathe status md/" + DEPLOYMENT + " -n " + StoryContext.NAMESPACE + " --watch",
        "kubectl get md,deploy,svc,httproute,pods -n " + StoryContext.NAMESPACE,
        "ENDPOINT=$(kubectl get md "
            + DEPLOYMENT
            + " -n "
            + StoryContext.NAMESPACE
            + " -o jsonpath='{.status.endpoint}'); curl -s $ENDPOINT/models");
  }

  @Override
  public void run(StoryContext story) throws Exception {
    story.apply(
        """
        apiVersion: lathe.dev/v1alpha1
        kind: ModelDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          modelVersion: %s
          replicas: 1
          adapters:
          - {name: %s, modelVersion: %s}
        """
            .formatted(DEPLOYMENT, StoryContext.NAMESPACE, base, adapterName, adapterVersion));
    ModelDeployment ready =
        story.await(
            ModelDeployment.class,
            DEPLOYMENT,
            ServeStep::servesEveryAdapter,
            md -> false,
            ServeStep::state,
            Duration.ofMinutes(5));
    String endpoint = ready.getStatus().getEndpoint();
    story.narrator().detail("endpoint " + endpoint);
    JsonNode answer = firstAnswer(story, endpoint);
    story
        .narrator()
        .detail(
            "POST "
                + endpoint
                + "/completions {\"model\": \""
                + adapterName
                + "\", \"prompt\": \""
                + PROMPT.strip()
                + "\"} → \""
                + answer.at("/choices/0/text").asText().strip()
                + "\", system_fingerprint "
                + answer.path("system_fingerprint").asText());
  }

  /** Ready, and every adapter served by every ready pod: what a client needs before it switches. */
  static boolean servesEveryAdapter(ModelDeployment md) {
    ModelDeploymentStatus status = md.getStatus();
    if (status == null
        || status.getEndpoint() == null
        || !ConditionCheck.is(status, ModelDeploymentConditions.READY, Condition.TRUE)) {
      return false;
    }
    return status.getAdapters() == null
        || status.getAdapters().stream()
            .allMatch(a -> a.getReadyReplicas() != null && a.getReadyReplicas() > 0);
  }

  private static String state(ModelDeployment md) {
    ModelDeploymentStatus status = md.getStatus();
    if (status == null) {
      return "ModelDeployment created; waiting for the operator";
    }
    return "READY "
        + (status.getReady() == null ? "0/?" : status.getReady())
        + "; "
        + ConditionCheck.describe(status, ModelDeploymentConditions.READY);
  }

  /** One greedy completion, as any OpenAI client would send it. */
  static JsonNode complete(String endpoint, String model, String prompt)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("prompt", prompt);
    body.put("max_tokens", 8);
    body.put("temperature", 0);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(endpoint + "/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new Refused(
          response.statusCode(),
          "POST "
              + endpoint
              + "/completions answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * The first answer through the endpoint. The gateway accepts the route (and the operator then
   * publishes the endpoint) a moment before its proxy has the Service's ready endpoints, and
   * meanwhile answers 503 "no available server"; a client retries that, for a bounded while.
   */
  private JsonNode firstAnswer(StoryContext story, String endpoint)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(FIRST_ANSWER_LIMIT);
    boolean told = false;
    while (true) {
      try {
        return complete(endpoint, adapterName, PROMPT);
      } catch (Refused refused) {
        if (refused.status() != 503 || Instant.now().isAfter(deadline)) {
          throw refused;
        }
        if (!told) {
          story.narrator().detail("the gateway answers 503 until it has the pod; retrying");
          told = true;
        }
        story.liveness();
        Thread.sleep(500);
      }
    }
  }

  /** A completion request answered with another status than 200. */
  static final class Refused extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }
}
