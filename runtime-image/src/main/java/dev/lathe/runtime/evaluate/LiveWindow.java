package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.contract.GateReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version's pods' own metrics over the evaluation's window: each pod's /metrics scraped when
 * the window opens and when it closes, and the differences summed over the pods that answered both
 * times. A pod that answered only once is left out (and counted as not scraped), so a pod that went
 * away cannot make the figures look better or worse.
 */
final class LiveWindow {

  private final HttpClient client;
  private final List<String> pods;
  private final Map<String, PodMetrics> opened = new LinkedHashMap<>();
  private long openedNanos;

  /** {@code pods}: host:port of each pod's HTTP port (where /metrics is served). */
  LiveWindow(HttpClient client, List<String> pods) {
    this.client = client;
    this.pods = List.copyOf(pods);
  }

  void open() {
    openedNanos = System.nanoTime();
    for (String pod : pods) {
      PodMetrics metrics = scrape(pod);
      if (metrics != null) {
        opened.put(pod, metrics);
      }
    }
  }

  double secondsOpen() {
    return (System.nanoTime() - openedNanos) / 1e9;
  }

  /** Closes the window; null when no pod was given (no live figures rather than zeros). */
  GateReport.Live close() {
    if (pods.isEmpty()) {
      return null;
    }
    double seconds = secondsOpen();
    PodMetrics total = PodMetrics.empty();
    int scraped = 0;
    for (Map.Entry<String, PodMetrics> start : opened.entrySet()) {
      PodMetrics end = scrape(start.getKey());
      if (end != null) {
        total = total.plus(end.since(start.getValue()));
        scraped++;
      }
    }
    return new GateReport.Live(
        pods.size(),
        scraped,
        Math.round(seconds * 10) / 10.0,
        Math.round(total.requests()),
        Math.round(total.errors()),
        PodMetrics.quantileMillis(total.latencyBuckets(), 0.95),
        Math.round(PodMetrics.count(total.ttftBuckets())),
        PodMetrics.quantileMillis(total.ttftBuckets(), 0.95));
  }

  /** Pods for the report's note: which ones could not be scraped. */
  List<String> unscraped() {
    List<String> missing = new ArrayList<>(pods);
    missing.removeAll(opened.keySet());
    return missing;
  }

  private PodMetrics scrape(String pod) {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://" + pod + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? PodMetrics.parse(response.body()) : null;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }
}
