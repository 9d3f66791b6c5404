package dev.lathe.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * One streaming completion over HTTP, timed as a client sees it: time to the first generated text,
 * time to [DONE], and the completion tokens the server reports in its usage chunk.
 */
final class StreamingProbe {

  record Timing(double ttftMillis, double latencyMillis, int tokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private final URI uri;
  private final String body;
  private final boolean closeConnections;

  StreamingProbe(String baseUrl, String model, String prompt, int maxTokens) {
    this(baseUrl, model, prompt, maxTokens, JSON.createObjectNode(), false);
  }

  /**
   * {@code extra}: fields added to the request body, for a server with other defaults; {@code
   * closeConnections}: each request on a new connection (needs the JDK property
   * jdk.httpclient.allowRestrictedHeaders=connection, which bench.sh sets), for a server that
   * closes kept-alive connections the JDK's pool still takes for open.
   */
  StreamingProbe(
      String baseUrl,
      String model,
      String prompt,
      int maxTokens,
      ObjectNode extra,
      boolean closeConnections) {
    this.closeConnections = closeConnections;
    this.uri = URI.create(baseUrl + "/v1/completions");
    this.body =
        JSON.createObjectNode()
            .<ObjectNode>setAll(extra)
            .put("model", model)
            .put("prompt", prompt)
            .put("max_tokens", maxTokens)
            .put("temperature", 0)
            .put("ignore_eos", true)
            .put("stream", true)
            .<ObjectNode>set("stream_options", JSON.createObjectNode().put("include_usage", true))
            .toString();
  }

  Timing run() throws Exception {
    long start = System.nanoTime();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (closeConnections) {
      request.header("Connection", "close");
    }
    HttpResponse<InputStream> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    double ttft = -1;
    int tokens = 0;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
          continue;
        }
        JsonNode chunk = JSON.readTree(line.substring(6));
        if (ttft < 0 && !chunk.path("choices").path(0).path("text").asText().isEmpty()) {
          ttft = (System.nanoTime() - start) / 1e6;
        }
        if (chunk.path("usage").isObject()) {
          tokens = chunk.path("usage").path("completion_tokens").asInt();
        }
      }
    }
    return new Timing(ttft, (System.nanoTime() - start) / 1e6, tokens);
  }
}
