package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.contract.GateReport.Figure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Instant queries to a Prometheus server's HTTP API ({@code /api/v1/query}), each at a given
 * evaluation time. Every failure becomes that figure's error, so one unreachable or refused query
 * never costs the report its other figures.
 */
final class PrometheusApi {

  private final HttpClient client;
  private final String address;
  private final URI endpoint;
  private final Duration timeout;

  /** {@code address}: the server's base URL, e.g. http://prometheus.monitoring.svc:9090. */
  PrometheusApi(HttpClient client, String address, Duration timeout) {
    URI base = URI.create(address.endsWith("/") ? address : address + "/");
    if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme()))
        || base.getHost() == null) {
      throw new IllegalArgumentException(
          "the Prometheus address " + address + " is not an http:// or https:// URL with a host");
    }
    this.client = client;
    this.address = address.replaceFirst("/+$", "");
    this.endpoint = base.resolve("api/v1/query");
    this.timeout = timeout;
  }

  String address() {
    return address;
  }

  /**
   * The query's figure at {@code time}. Sent as a form POST, which the API accepts like GET, so a
   * long query is not cut by a URL limit on the way.
   */
  Figure query(String query, Instant time) throws InterruptedException {
    String form =
        "query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&time="
            + String.format(Locale.ROOT, "%.3f", time.toEpochMilli() / 1000.0);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return PrometheusAnswer.read(query, response.statusCode(), response.body());
    } catch (IOException e) {
      return Figure.error(
          query,
          "Prometheus at "
              + address()
              + " could not be reached: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }
}
