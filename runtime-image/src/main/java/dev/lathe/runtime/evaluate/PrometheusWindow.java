package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.contract.GateReport;
import java.time.Duration;
import java.time.Instant;

/**
 * Both versions' live figures from Prometheus over the evaluation's window: when it closes, the
 * window waits {@code delay} (so Prometheus has scraped the window's last requests), then asks
 * every query as an instant query at that moment, over a range of the whole time since the window
 * opened ({@code {{window}}}, whole seconds rounded up).
 */
final class PrometheusWindow {

  private final PrometheusApi api;
  private final LiveQueries candidate;
  private final LiveQueries stable;
  private final Duration delay;
  private long openedNanos;

  PrometheusWindow(PrometheusApi api, LiveQueries candidate, LiveQueries stable, Duration delay) {
    this.api = api;
    this.candidate = candidate;
    this.stable = stable;
    this.delay = delay;
  }

  void open() {
    openedNanos = System.nanoTime();
  }

  GateReport.Prometheus close() throws InterruptedException {
    Thread.sleep(delay.toMillis());
    Instant time = Instant.now();
    long seconds = (long) Math.ceil((System.nanoTime() - openedNanos) / 1e9);
    String window = Math.max(1, seconds) + "s";
    return new GateReport.Prometheus(
        api.address(),
        time.toString(),
        window,
        ask(candidate.over(window), time),
        ask(stable.over(window), time),
        false);
  }

  private GateReport.Queried ask(LiveQueries queries, Instant time) throws InterruptedException {
    return new GateReport.Queried(
        api.query(queries.requests(), time),
        api.query(queries.errorRate(), time),
        api.query(queries.latencyP95Ms(), time),
        api.query(queries.ttftSamples(), time),
        api.query(queries.ttftP95Ms(), time));
  }
}
