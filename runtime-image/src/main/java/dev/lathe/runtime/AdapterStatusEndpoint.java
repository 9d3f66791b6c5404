package dev.lathe.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lathe.runtime.model.AdapterListSync;
import dev.lathe.runtime.model.AdapterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A small HTTP listener beside the inference port that says which adapters this pod serves, for the
 * operator (per-adapter replica counts) and for people: {@code GET /adapters} answers JSON with the
 * list file, the last sync, any list error and, per listed adapter, its state, the digest listed,
 * the digest installed, whether the server has it loaded with the listed digest ({@code served})
 * and why not; {@code GET /metrics} answers {@link AdapterListMetrics} in Prometheus text.
 *
 * <p>It is its own port so that the inference server's routes stay the inference server's.
 */
final class AdapterStatusEndpoint implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final AdapterListSync sync;
  private final AdapterRegistry loaded;
  private final AdapterListMetrics metrics;

  private AdapterStatusEndpoint(
      HttpServer server, AdapterListSync sync, AdapterRegistry loaded, AdapterListMetrics metrics) {
    this.server = server;
    this.sync = sync;
    this.loaded = loaded;
    this.metrics = metrics;
  }

  static AdapterStatusEndpoint start(
      String host,
      int port,
      AdapterListSync sync,
      AdapterRegistry loaded,
      AdapterListMetrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port + " for the adapter status", e);
    }
    AdapterStatusEndpoint endpoint = new AdapterStatusEndpoint(server, sync, loaded, metrics);
    server.createContext("/adapters", exchange -> endpoint.answer(exchange, endpoint.status()));
    server.createContext(
        "/metrics",
        exchange ->
            endpoint.answer(
                exchange,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape(sync.snapshot(), loaded)));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lathe-adapter-status");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return endpoint;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private String status() {
    AdapterListSync.Snapshot snapshot = sync.snapshot();
    ObjectNode body = JSON.createObjectNode();
    body.put("listFile", sync.listFile().toString());
    body.put("syncedAt", snapshot.syncedAt().toString());
    body.put("listError", snapshot.listError());
    ArrayNode adapters = body.putArray("adapters");
    for (AdapterListSync.AdapterState a : snapshot.adapters()) {
      ObjectNode node = adapters.addObject();
      node.put("name", a.name());
      node.put("uri", a.uri());
      node.put("manifestDigest", a.manifestDigest());
      node.put("state", a.state().name());
      node.put("installedDigest", a.installedDigest().orElse(null));
      node.put("served", AdapterListMetrics.servesListed(a, loaded));
      node.put("failure", a.failure());
      node.put("message", a.message());
      node.put("since", a.since().toString());
    }
    return body.toPrettyString();
  }

  private void answer(HttpExchange exchange, String json) throws IOException {
    answer(exchange, 200, "application/json", json);
  }

  private void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        status = 405;
        body = "{\"error\":\"only GET\"}";
        type = "application/json";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
