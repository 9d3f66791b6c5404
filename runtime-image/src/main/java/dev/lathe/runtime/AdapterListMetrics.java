package dev.lathe.runtime;

import dev.lathe.runtime.model.AdapterListSync;
import dev.lathe.runtime.model.AdapterRegistry;
import dev.lathe.runtime.model.ServedAdapter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The adapter list's metrics, in Prometheus text: how many adapters the list names, which of them
 * this server serves with the listed digest, each adapter's state, refusals by adapter and failure,
 * and whether the list itself is unreadable.
 */
final class AdapterListMetrics implements AdapterListSync.RefusalListener {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge served =
      MultiGauge.builder("lathe_adapter_served")
          .description("1 when the server serves the listed adapter with the listed digest, else 0")
          .register(registry);
  private final MultiGauge states =
      MultiGauge.builder("lathe_adapter_state")
          .description("1 for each listed adapter's state (INSTALLED, REFUSED, FAILED)")
          .register(registry);

  private final AtomicInteger entries = new AtomicInteger();
  private final AtomicInteger unreadable = new AtomicInteger();

  AdapterListMetrics() {
    Gauge.builder("lathe_adapter_list_entries", entries, AtomicInteger::get)
        .description("Adapters the mounted adapter list names")
        .register(registry);
    Gauge.builder("lathe_adapter_list_unreadable", unreadable, AtomicInteger::get)
        .description("1 while the adapter list cannot be read or parsed (nothing changes then)")
        .register(registry);
  }

  @Override
  public void refused(String adapter, String failure) {
    Counter.builder("lathe_adapter_refusals")
        .description("Listed adapters refused by verification, by adapter and failure")
        .tag("adapter", adapter)
        .tag("failure", failure)
        .register(registry)
        .increment();
  }

  /** The metrics as of now. */
  synchronized String scrape(AdapterListSync.Snapshot snapshot, AdapterRegistry loaded) {
    List<AdapterListSync.AdapterState> adapters = snapshot.adapters();
    entries.set(adapters.size());
    unreadable.set(snapshot.listError() == null ? 0 : 1);
    served.register(
        adapters.stream()
            .map(
                a ->
                    MultiGauge.Row.of(
                        Tags.of("adapter", a.name()), servesListed(a, loaded) ? 1 : 0))
            .toList(),
        true);
    states.register(
        adapters.stream()
            .map(a -> MultiGauge.Row.of(Tags.of("adapter", a.name(), "state", a.state().name()), 1))
            .toList(),
        true);
    return registry.scrape();
  }

  /** Loaded in the server with exactly the digest the list names. */
  static boolean servesListed(AdapterListSync.AdapterState adapter, AdapterRegistry loaded) {
    return loaded
        .find(adapter.name())
        .map(ServedAdapter::verified)
        .map(v -> v.manifestDigest().equals(adapter.manifestDigest()))
        .orElse(false);
  }
}
