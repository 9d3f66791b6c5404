package dev.lathe.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves /healthz (the process answers), /readyz (the operator is started and its informers are
 * synced) and /metrics (Prometheus text format) for kubelet probes and scrapers.
 */
public final class ObservabilityServer implements AutoCloseable {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  public ObservabilityServer(int port, BooleanSupplier ready, Supplier<String> metrics) {
    this(OperatorSettings.DEFAULT_HTTP_ADDRESS, port, ready, metrics);
  }

  /**
   * @param address the IP address to bind (LATHE_HTTP_ADDRESS): 0.0.0.0 for every interface,
   *     127.0.0.1 to keep it on the loopback
   */
  public ObservabilityServer(
      String address, int port, BooleanSupplier ready, Supplier<String> metrics) {
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "lathe-http")));
    server.createContext("/healthz", x -> reply(x, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        x -> {
          boolean isReady = ready.getAsBoolean();
          reply(x, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
        });
    server.createContext("/metrics", x -> reply(x, 200, PROMETHEUS_TEXT, metrics.get()));
  }

  public void start() {
    server.start();
  }

  /** The address actually bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port actually bound, for a server created on port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
