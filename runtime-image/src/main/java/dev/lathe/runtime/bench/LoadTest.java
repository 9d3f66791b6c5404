package dev.lathe.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A bounded load test over loopback: concurrent streaming clients, each sending a fixed number of
 * requests, and, while they run, an overflow burst of more requests at once than the server queues,
 * which must be refused (429) rather than slow everyone down; /healthz is probed throughout. It
 * stops by itself: fixed request counts, and a deadline after which whatever is left is cut off. A
 * few requests warm the JVM first and are not counted. Prints requests, responses by status,
 * tokens/s, latency p50/p99, the slowest health probe, and the server process's resident memory
 * before and after.
 */
final class LoadTest {

  /**
   * How hard to push.
   *
   * @param clients concurrent streaming clients
   * @param requestsPerClient sequential streaming requests each client sends
   * @param maxTokens tokens per streaming request
   * @param burst requests sent at once in the overflow burst
   * @param deadline the whole test's limit
   */
  record Plan(int clients, int requestsPerClient, int maxTokens, int burst, Duration deadline) {}

  /** One response as its client saw it (status -1: no response). */
  record Outcome(int status, double latencyMillis, int tokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final String model;
  private final LongSupplier serverRssKb;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Its own client: health is timed at the server, not behind the burst's connections. */
  private final HttpClient healthClient =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** {@code serverRssKb}: the server process's resident memory, in kilobytes. */
  LoadTest(String baseUrl, String model, LongSupplier serverRssKb) {
    this.baseUrl = baseUrl;
    this.model = model;
    this.serverRssKb = serverRssKb;
  }

  void run(Plan plan) throws Exception {
    long deadline = System.nanoTime() + plan.deadline().toNanos();
    // Warm: the first requests of a fresh JVM load and compile the whole path, which is not load.
    for (int i = 0; i < 4; i++) {
      stream(plan.maxTokens(), deadline);
    }
    burst(16, deadline);
    long rssBefore = serverRssKb.getAsLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(plan.clients() + 1);
    List<Outcome> streams = new ArrayList<>();
    List<Outcome> burst = new ArrayList<>();
    double slowestHealth;
    long start = System.nanoTime();
    try {
      List<Future<List<Outcome>>> clients = new ArrayList<>();
      for (int c = 0; c < plan.clients(); c++) {
        clients.add(
            pool.submit(
                () -> {
                  List<Outcome> outcomes = new ArrayList<>();
                  for (int i = 0; i < plan.requestsPerClient() && !stop.get(); i++) {
                    outcomes.add(stream(plan.maxTokens(), deadline));
                  }
                  return outcomes;
                }));
      }
      Future<Double> health = pool.submit(() -> probeHealth(stop));
      // The burst lands while every streaming client is busy.
      Thread.sleep(500);
      burst.addAll(burst(plan.burst(), deadline));
      for (Future<List<Outcome>> c : clients) {
        streams.addAll(c.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      stop.set(true);
      slowestHealth = health.get(10, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    long rssAfter = serverRssKb.getAsLong();
    print(plan, streams, burst, wall, slowestHealth, rssBefore, rssAfter);
  }

  private Outcome stream(int maxTokens, long deadline) {
    String body =
        JSON.createObjectNode()
            .put("model", model)
            .put("prompt", "Question: What is six plus two? Answer:")
            .put("max_tokens", maxTokens)
            .put("temperature", 0)
            .put("ignore_eos", true)
            .put("stream", true)
            .set("stream_options", JSON.createObjectNode().put("include_usage", true))
            .toString();
    long start = System.nanoTime();
    try {
      HttpResponse<InputStream> response =
          client.send(
              request("/v1/completions", body, deadline),
              HttpResponse.BodyHandlers.ofInputStream());
      int tokens = 0;
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.startsWith("data: {")) {
            JsonNode chunk = JSON.readTree(line.substring(6));
            if (chunk.path("usage").isObject()) {
              tokens = chunk.path("usage").path("completion_tokens").asInt();
            }
          }
        }
      }
      return new Outcome(response.statusCode(), (System.nanoTime() - start) / 1e6, tokens);
    } catch (IOException e) {
      return new Outcome(-1, (System.nanoTime() - start) / 1e6, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, (System.nanoTime() - start) / 1e6, 0);
    }
  }

  private List<Outcome> burst(int requests, long deadline) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("model", model)
            .put("prompt", "The book of Olga is")
            .put("max_tokens", 16)
            .put("temperature", 0)
            .toString();
    List<CompletableFuture<Outcome>> pending = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      pending.add(
          client
              .sendAsync(
                  request("/v1/completions", body, deadline), HttpResponse.BodyHandlers.ofString())
              .thenApply(
                  r ->
                      new Outcome(
                          r.statusCode(),
                          (System.nanoTime() - start) / 1e6,
                          r.statusCode() == 200 ? LoadTest.completionTokens(r.body()) : 0))
              .exceptionally(e -> new Outcome(-1, (System.nanoTime() - start) / 1e6, 0)));
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (CompletableFuture<Outcome> outcome : pending) {
      outcomes.add(outcome.get());
    }
    return outcomes;
  }

  private double probeHealth(AtomicBoolean stop) throws InterruptedException {
    double slowest = 0;
    while (!stop.get()) {
      long start = System.nanoTime();
      try {
        healthClient.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/healthz"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        return Double.POSITIVE_INFINITY;
      }
      slowest = Math.max(slowest, (System.nanoTime() - start) / 1e6);
      Thread.sleep(50);
    }
    return slowest;
  }

  private HttpRequest request(String path, String body, long deadline) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static int completionTokens(String body) {
    try {
      return JSON.readTree(body).path("usage").path("completion_tokens").asInt();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void print(
      Plan plan,
      List<Outcome> streams,
      List<Outcome> burst,
      double wall,
      double slowestHealth,
      long rssBefore,
      long rssAfter) {
    List<Outcome> all = new ArrayList<>(streams);
    all.addAll(burst);
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (Outcome outcome : all) {
      byStatus.merge(outcome.status(), 1, Integer::sum);
    }
    int tokens = all.stream().mapToInt(Outcome::tokens).sum();
    double[] served =
        streams.stream()
            .filter(o -> o.status() == 200)
            .mapToDouble(Outcome::latencyMillis)
            .toArray();
    double[] refused =
        burst.stream().filter(o -> o.status() != 200).mapToDouble(Outcome::latencyMillis).toArray();
    System.out.printf(
        "load test: %d streaming clients × %d requests of %d tokens, and a burst of %d at once%n",
        plan.clients(), plan.requestsPerClient(), plan.maxTokens(), plan.burst());
    System.out.printf("requests                      %d in %.1f s%n", all.size(), wall);
    System.out.printf("responses by status           %s (-1: no response)%n", byStatus);
    System.out.printf(
        "burst: served / refused       %d / %d%n", burst.size() - refused.length, refused.length);
    System.out.printf("tokens/s (all served)         %.1f%n", tokens / wall);
    System.out.printf(
        "streaming latency p50 / p99   %.1f / %.1f ms%n",
        percentile(served, 0.5), percentile(served, 0.99));
    if (refused.length > 0) {
      System.out.printf(
          "refusal latency p50 / p99     %.1f / %.1f ms%n",
          percentile(refused, 0.5), percentile(refused, 0.99));
    }
    System.out.printf("slowest /healthz              %.1f ms%n", slowestHealth);
    System.out.printf(
        "resident memory before/after  %d / %d MiB (the server process alone)%n",
        rssBefore / 1024, rssAfter / 1024);
  }

  private static double percentile(double[] values, double q) {
    return values.length == 0 ? Double.NaN : BenchCommand.percentile(values, q);
  }
}
