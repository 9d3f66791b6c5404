package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: runs an evaluation set against an OpenAI-compatible endpoint (greedy decoding)
 * and prints the report as JSON. Exit 0 when it ran, whatever the scores: the gate decides.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Score an endpoint on an evaluation JSONL set; print exact match, accuracy,"
            + " latency p50/p95 and error rate as JSON.")
public final class EvaluateCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--endpoint", required = true, description = "Base URL, e.g. http://host:8000/v1")
  String endpoint;

  @Option(names = "--model", required = true, description = "The model (base or adapter) to ask.")
  String model;

  @Option(names = "--dataset", required = true, description = "The evaluation set, JSON lines.")
  Path dataset;

  @Option(names = "--max-tokens", defaultValue = "64")
  int maxTokens;

  @Option(names = "--concurrency", defaultValue = "4")
  int concurrency;

  @Option(names = "--timeout-seconds", defaultValue = "60")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    List<EvaluationExample> examples = EvaluationExample.read(dataset);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<Outcome>> futures = new ArrayList<>();
    try {
      for (EvaluationExample example : examples) {
        futures.add(pool.submit(() -> ask(client, example)));
      }
      int exact = 0;
      int accurate = 0;
      int errors = 0;
      List<Double> latencies = new ArrayList<>();
      List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < futures.size(); i++) {
        Outcome outcome = futures.get(i).get();
        if (outcome.error() != null) {
          errors++;
          if (firstErrors.size() < 5) {
            firstErrors.add("example " + (i + 1) + ": " + outcome.error());
          }
          continue;
        }
        latencies.add(outcome.millis());
        String expected = examples.get(i).expected();
        exact += EvaluationReport.exactMatch(outcome.answer(), expected) ? 1 : 0;
        accurate += EvaluationReport.accurate(outcome.answer(), expected) ? 1 : 0;
      }
      EvaluationReport report =
          new EvaluationReport(
              examples.size(),
              exact,
              accurate,
              errors,
              latencies.stream().mapToDouble(Double::doubleValue).toArray(),
              firstErrors);
      System.out.println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson(endpoint, model)));
      return 0;
    } finally {
      pool.shutdownNow();
    }
  }

  private record Outcome(String answer, double millis, String error) {}

  private Outcome ask(HttpClient client, EvaluationExample example) {
    ObjectNode body = example.request().deepCopy();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    body.put("temperature", 0);
    String path = example.chat() ? "/chat/completions" : "/completions";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path))
            .timeout(Duration.ofSeconds(timeoutSeconds))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      double millis = (System.nanoTime() - start) / 1e6;
      if (response.statusCode() != 200) {
        return new Outcome(null, millis, "HTTP " + response.statusCode() + ": " + response.body());
      }
      JsonNode choice = JSON.readTree(response.body()).path("choices").path(0);
      String answer =
          example.chat()
              ? choice.path("message").path("content").asText()
              : choice.path("text").asText();
      return new Outcome(answer, millis, null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Outcome(null, (System.nanoTime() - start) / 1e6, e.toString());
    }
  }
}
