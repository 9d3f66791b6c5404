package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ObservabilityServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(ObservabilityServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsTheOperatorWhileLivenessAnswersThroughout() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (ObservabilityServer server = new ObservabilityServer(0, ready::get, () -> "")) {
      server.start();

      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);

      ready.set(true);

      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() throws Exception {
    var registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    registry.counter("lathe.test.events").increment(3);
    try (ObservabilityServer server = new ObservabilityServer(0, () -> true, registry::scrape)) {
      server.start();

      HttpResponse<String> metrics = get(server, "/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).contains("lathe_test_events_total 3.0");
    }
  }
}
