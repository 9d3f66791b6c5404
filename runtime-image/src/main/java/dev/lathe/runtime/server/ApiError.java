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

  public ApiError(int status, String type, String message, String param, String code) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
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

  public static ApiError overloaded() {
    return new ApiError(
        429,
        "rate_limit_exceeded",
        "The server is at capacity: too many requests are waiting. Retry after a short while.",
        null,
        "rate_limit_exceeded");
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "service_unavailable", message, null, "service_unavailable");
  }

  public static ApiError internal(String message) {
    return new ApiError(500, "server_error", message, null, null);
  }

  public int status() {
    return status;
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
