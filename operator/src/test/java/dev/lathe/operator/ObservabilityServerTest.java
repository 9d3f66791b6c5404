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

  @Test
  void serverBoundToTheLoopbackIsNotReachableOnOtherAddresses() throws Exception {
    try (ObservabilityServer server =
        new ObservabilityServer("127.0.0.1", 0, () -> true, () -> "")) {
      server.start();

      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      java.util.Optional<java.net.InetAddress> other =
          java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
              .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
              .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
              .findFirst();
      if (other.isPresent()) {
        try (java.net.Socket socket = new java.net.Socket()) {
          org.assertj.core.api.Assertions.assertThatThrownBy(
                  () ->
                      socket.connect(
                          new java.net.InetSocketAddress(other.get(), server.port()), 2000))
              .isInstanceOf(java.io.IOException.class);
        }
      }
    }
  }
}
