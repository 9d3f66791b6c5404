package dev.lathe.runtime.server;

import java.util.List;
import java.util.Map;

/**
 * The paths the server answers, the methods each takes, and the one name each has in metrics and
 * logs. Anything else is {@code other}: a label is never made from a client's path, so random URLs
 * cannot grow the metrics.
 */
final class Endpoints {

  static final String OTHER = "other";
  static final String COMPLETIONS = "completions";
  static final String CHAT_COMPLETIONS = "chat_completions";

  private record Endpoint(String label, List<String> methods) {}

  private static final Map<String, Endpoint> EXACT =
      Map.of(
          "/healthz", new Endpoint("healthz", List.of("GET")),
          "/readyz", new Endpoint("readyz", List.of("GET")),
          "/metrics", new Endpoint("metrics", List.of("GET")),
          "/v1/models", new Endpoint("models", List.of("GET")),
          "/v1/completions", new Endpoint(COMPLETIONS, List.of("POST")),
          "/v1/chat/completions", new Endpoint(CHAT_COMPLETIONS, List.of("POST")));

  private static final String MODEL_PREFIX = "/v1/models/";
  private static final Endpoint MODEL = new Endpoint("models", List.of("GET"));

  private Endpoints() {}

  /** The metric label of a path: one of the known endpoints, or {@link #OTHER}. */
  static String label(String path) {
    Endpoint endpoint = find(path);
    return endpoint == null ? OTHER : endpoint.label();
  }

  /** The methods a known path takes (for 405's Allow header), or null for an unknown path. */
  static String allowedMethods(String path) {
    Endpoint endpoint = find(path);
    return endpoint == null ? null : String.join(", ", endpoint.methods());
  }

  /** Whether the path takes a JSON body, so that its Content-Type is checked before reading. */
  static boolean takesJsonBody(String path) {
    String label = label(path);
    return label.equals(COMPLETIONS) || label.equals(CHAT_COMPLETIONS);
  }

  private static Endpoint find(String path) {
    if (path == null) {
      return null;
    }
    Endpoint exact = EXACT.get(path);
    if (exact != null) {
      return exact;
    }
    if (path.startsWith(MODEL_PREFIX)
        && path.length() > MODEL_PREFIX.length()
        && path.indexOf('/', MODEL_PREFIX.length()) < 0) {
      return MODEL;
    }
    return null;
  }
}
