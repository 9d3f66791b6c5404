package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Asks one evaluation item of one version, greedily and streaming, so that one request gives the
 * answer, the latency to its last token and the time to its first.
 *
 * @param endpoint the version's base URL, e.g. http://svc:8000/v1
 * @param model what to put in the request's model field
 */
record StreamingAsk(
    HttpClient client, String endpoint, String model, int maxTokens, Duration timeout) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one request gave.
   *
   * @param answer the generated text, null when the request failed
   * @param millis from sending to the end of the stream
   * @param ttftMillis from sending to the first chunk with text, null when none came
   * @param error why it failed, null when it did not
   */
  record Outcome(String answer, double millis, Double ttftMillis, String error) {

    boolean failed() {
      return error != null;
    }
  }

  Outcome ask(EvaluationExample example) {
    ObjectNode body = example.request().deepCopy();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    body.put("temperature", 0);
    body.put("stream", true);
    String path = example.chat() ? "/chat/completions" : "/completions";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<Stream<String>> response =
          client.send(request, HttpResponse.BodyHandlers.ofLines());
      try (Stream<String> lines = response.body()) {
        if (response.statusCode() != 200) {
          String text = lines.limit(20).collect(Collectors.joining(" "));
          return new Outcome(
              null, elapsed(start), null, "HTTP " + response.statusCode() + ": " + shorten(text));
        }
        return read(lines.iterator(), example.chat(), start);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Outcome(null, elapsed(start), null, e.toString());
    }
  }

  private static Outcome read(Iterator<String> lines, boolean chat, long start) throws Exception {
    StringBuilder answer = new StringBuilder();
    Double ttft = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (!line.startsWith("data: ")) {
        continue;
      }
      String data = line.substring(6).strip();
      if (data.equals("[DONE]")) {
        return new Outcome(answer.toString(), elapsed(start), ttft, null);
      }
      JsonNode chunk = JSON.readTree(data);
      if (chunk.has("error")) {
        return new Outcome(
            null, elapsed(start), ttft, "stream error: " + shorten(chunk.get("error").toString()));
      }
      JsonNode choice = chunk.path("choices").path(0);
      String text =
          chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
      if (!text.isEmpty() && ttft == null) {
        ttft = elapsed(start);
      }
      answer.append(text);
    }
    return new Outcome(null, elapsed(start), ttft, "the stream ended without [DONE]");
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
