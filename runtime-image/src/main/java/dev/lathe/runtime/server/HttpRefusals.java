package dev.lathe.runtime.server;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What the server refuses before a request reaches the API, each in OpenAI's error shape: a body
 * that is not JSON (415), a path it does not have (404) or a method the path does not take (405), a
 * body over the limit (413), a request HTTP cannot read (414, 431, 400), and whatever else fails in
 * a handler (500). Also the one place an {@link ApiError} is written to a response.
 */
final class HttpRefusals {

  private final AccessLog accessLog;
  private final ServerMetrics metrics;
  private final PrintStream log;
  private final long bodyLimit;

  HttpRefusals(AccessLog accessLog, ServerMetrics metrics, PrintStream log, long bodyLimit) {
    this.accessLog = accessLog;
    this.metrics = metrics;
    this.log = log;
    this.bodyLimit = bodyLimit;
  }

  /** Only application/json bodies, checked before a byte of the body is read (415 otherwise). */
  static void requireJson(RoutingContext ctx) {
    if (!Endpoints.takesJsonBody(ctx.request().path())) {
      ctx.next();
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/json")) {
      ctx.next();
    } else {
      send(ctx, ApiError.unsupportedMediaType(contentType));
    }
  }

  /** No route took the request: 405 for a known path with another method, 404 otherwise. */
  static void unmatched(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    String allowed = Endpoints.allowedMethods(path);
    if (allowed == null) {
      send(ctx, ApiError.unknownUrl(method, path));
    } else {
      ctx.response().putHeader("Allow", allowed);
      send(ctx, ApiError.methodNotAllowed(method, path, allowed));
    }
  }

  /**
   * A request HTTP itself could not read (a request line or headers over the limits, a malformed
   * head): answered in OpenAI's shape too, then the connection closes.
   */
  void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status =
        cause instanceof TooLongHttpLineException
            ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    ApiError error =
        new ApiError(
            status,
            "invalid_request_error",
            status == 414
                ? "The request line is too long."
                : status == 431
                    ? "The request headers are too large."
                    : "The request is not valid HTTP.",
            null,
            "invalid_http_request");
    RequestRecord record = new RequestRecord("-", "-");
    record.status(status);
    accessLog.log(record);
    metrics.request(record);
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(error.body());
  }

  /** Failures from Vert.x's own handlers (the body limit above all), in OpenAI's shape. */
  void failed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error;
    if (failure instanceof ApiError api) {
      error = api;
    } else if (ctx.statusCode() == 413) {
      error = ApiError.bodyTooLarge(bodyLimit);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error =
          new ApiError(
              ctx.statusCode(),
              "invalid_request_error",
              failure == null ? "the request was refused" : failure.getMessage(),
              null,
              null);
    } else {
      String message = failure == null ? "internal error" : failure.toString();
      log.println(
          "request failed: "
              + ctx.request().method()
              + " "
              + ctx.request().path()
              + ": "
              + message);
      error = ApiError.internal(message);
    }
    send(ctx, error);
  }

  /**
   * Writes the error, with Retry-After when retrying can help; a stream already begun just ends.
   */
  static void send(RoutingContext ctx, ApiError error) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      if (!ctx.response().ended()) {
        ctx.response().end();
      }
      return;
    }
    RequestRecord.of(ctx).status(error.status());
    if (error.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(error.body());
  }
}
