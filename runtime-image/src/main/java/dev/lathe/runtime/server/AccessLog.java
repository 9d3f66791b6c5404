package dev.lathe.runtime.server;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One line per request: time, method, path, status, duration, model and token counts; a request
 * whose client closed the connection first is 499 with {@code client_closed}. Prompts and
 * completions are customers' data and stay out of the log.
 */
final class AccessLog {

  private final PrintStream out;

  AccessLog(PrintStream out) {
    this.out = out;
  }

  void log(RequestRecord record) {
    out.printf(
        "%s %s %s %d %.1fms model=%s prompt_tokens=%d completion_tokens=%d%s%n",
        Instant.now(),
        record.method,
        record.path,
        record.status,
        record.elapsedSeconds() * 1000,
        record.model,
        record.promptTokens,
        record.completionTokens,
        record.clientClosed ? " client_closed" : "");
  }
}
