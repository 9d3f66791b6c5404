package dev.lathe.runtime.server;

import io.vertx.ext.web.RoutingContext;

/**
 * What the access log and the metrics need to know about one request; never its prompt or its
 * completion. Touched only on the request's event loop.
 */
final class RequestRecord {

  /** The status logged and counted for a request whose client closed the connection first. */
  static final int CLIENT_CLOSED = 499;

  final long startNanos = System.nanoTime();
  final String method;
  final String path;

  /** One of {@link Endpoints}' labels, never the client's path. */
  final String endpoint;

  String model = "-";
  int status = 0;
  int promptTokens;
  int completionTokens;
  long firstTokenNanos;
  boolean clientClosed;

  RequestRecord(String method, String path) {
    this.method = method;
    this.path = path;
    this.endpoint = Endpoints.label(path);
  }

  /** The record the first route put on the request. */
  static RequestRecord of(RoutingContext ctx) {
    return ctx.get(RequestRecord.class.getName());
  }

  void status(int status) {
    if (!clientClosed) {
      this.status = status;
    }
  }

  void promptTokens(int tokens) {
    this.promptTokens = tokens;
  }

  void completionTokens(int tokens) {
    this.completionTokens = tokens;
  }

  /** The client went away before the response ended: counted as 499, whatever was sent. */
  void clientClosed() {
    this.clientClosed = true;
    this.status = CLIENT_CLOSED;
  }

  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
