package dev.lathe.runtime.server;

/**
 * What the access log and the metrics need to know about one request; never its prompt or its
 * completion. Touched only on the request's event loop.
 */
final class RequestRecord {

  final long startNanos = System.nanoTime();
  final String method;
  final String path;
  String endpoint;
  String model = "-";
  int status = 0;
  int promptTokens;
  int completionTokens;
  long firstTokenNanos;
  boolean clientGone;

  RequestRecord(String method, String path) {
    this.method = method;
    this.path = path;
    this.endpoint = path;
  }

  void status(int status) {
    this.status = status;
  }

  void promptTokens(int tokens) {
    this.promptTokens = tokens;
  }

  void completionTokens(int tokens) {
    this.completionTokens = tokens;
  }

  void clientGone() {
    this.clientGone = true;
  }

  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
