package dev.lathe.runtime.server;

import dev.lathe.runtime.generation.BatchScheduler;
import dev.lathe.runtime.model.AdapterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Prometheus metrics at /metrics: requests by endpoint, model and status; request latency and
 * time to first token (histograms); generated tokens and per-request tokens/s; queue depth, batch
 * size and loaded adapters.
 */
final class ServerMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  void bind(Supplier<BatchScheduler> scheduler, AdapterRegistry adapters) {
    Gauge.builder(
            "lathe_queue_depth", () -> scheduler.get() == null ? 0 : scheduler.get().queueDepth())
        .description("Requests waiting for a place in the running batch")
        .register(registry);
    Gauge.builder(
            "lathe_batch_size", () -> scheduler.get() == null ? 0 : scheduler.get().batchSize())
        .description("Sequences in the running batch")
        .register(registry);
    Gauge.builder("lathe_adapters_loaded", () -> adapters.list().size())
        .description("LoRA adapters loaded on the base")
        .register(registry);
  }

  void firstToken(RequestRecord record) {
    record.firstTokenNanos = System.nanoTime();
    Timer.builder("lathe_time_to_first_token")
        .description("From request arrival to its first generated token")
        .tag("model", record.model)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(record.firstTokenNanos - record.startNanos));
  }

  void completed(RequestRecord record) {
    if (record.completionTokens > 0) {
      Counter.builder("lathe_generated_tokens")
          .description("Tokens generated")
          .tag("model", record.model)
          .register(registry)
          .increment(record.completionTokens);
      DistributionSummary.builder("lathe_request_tokens_per_second")
          .description("Generated tokens per second of each request")
          .tag("model", record.model)
          .register(registry)
          .record(record.completionTokens / Math.max(1e-9, record.elapsedSeconds()));
    }
    if (record.promptTokens > 0) {
      Counter.builder("lathe_prompt_tokens")
          .description("Prompt tokens processed")
          .tag("model", record.model)
          .register(registry)
          .increment(record.promptTokens);
    }
  }

  /** Every request, once, when its response ends. */
  void request(RequestRecord record) {
    Counter.builder("lathe_requests")
        .description("HTTP requests by endpoint, model and status")
        .tag("endpoint", record.endpoint)
        .tag("model", record.model)
        .tag("status", Integer.toString(record.status))
        .register(registry)
        .increment();
    Timer.builder("lathe_request_duration")
        .description("Request latency, to the last byte")
        .tag("endpoint", record.endpoint)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(System.nanoTime() - record.startNanos));
  }

  String scrape() {
    return registry.scrape();
  }
}
