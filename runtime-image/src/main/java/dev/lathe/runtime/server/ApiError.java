package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the API refuses, shaped as OpenAI shapes errors: {"error": {"message", "type", "param",
 * "code"}} with the matching HTTP status, so clients' error handling works unchanged.
 */
public final class ApiError extends RuntimeException {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiError(int status, String type, String message, String param, String code) {
    this(status, type, message, param, code, null);
  }

  private ApiError(
      int status, String type, String message, String param, String code, Integer retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfter;
  }

  /** 400, naming the parameter at fault. */
  public static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, null);
  }

  public static ApiError contextLength(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded");
  }

  public static ApiError unknownModel(String model) {
    return new ApiError(
        404,
        "invalid_request_error",
        "The model `" + model + "` does not exist or you do not have access to it.",
        "model",
        "model_not_found");
  }

  /** 429: the queue is full now; a retry after a second may find room. */
  public static ApiError overloaded() {
    return new ApiError(
        429,
        "rate_limit_exceeded",
        "The server is at capacity: too many requests are waiting. Retry after a short while.",
        null,
        "rate_limit_exceeded",
        1);
  }

  /** 503: loading, draining or failed; clients and proxies retry after a few seconds. */
  public static ApiError unavailable(String message) {
    return new ApiError(503, "service_unavailable", message, null, "service_unavailable", 5);
  }

  /** 404 for a path the API does not have, e.g. a base URL missing its /v1. */
  public static ApiError unknownUrl(String method, String path) {
    return new ApiError(
        404,
        "invalid_request_error",
        "Unknown request URL: "
            + method
            + " "
            + path
            + ". The API is under /v1 (/v1/models, /v1/completions, /v1/chat/completions).",
        null,
        "unknown_url");
  }

  public static ApiError methodNotAllowed(String method, String path, String allowed) {
    return new ApiError(
        405,
        "invalid_request_error",
        method + " is not allowed on " + path + "; use " + allowed,
        null,
        "method_not_allowed");
  }

  public static ApiError bodyTooLarge(long limit) {
    return new ApiError(
        413,
        "invalid_request_error",
        "The request body is larger than this server accepts (" + limit + " bytes).",
        null,
        "request_too_large");
  }

  public static ApiError unsupportedMediaType(String contentType) {
    return new ApiError(
        415,
        "invalid_request_error",
        "The request body must be sent as Content-Type: application/json, got "
            + (contentType == null ? "none" : contentType),
        null,
        "unsupported_media_type");
  }

  public static ApiError internal(String message) {
    return new ApiError(500, "server_error", message, null, null);
  }

  public int status() {
    return status;
  }

  public String param() {
    return param;
  }

  /** Seconds a client should wait before retrying, or null when a retry would fail the same way. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public String body() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", getMessage());
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return root.toString();
  }
}
