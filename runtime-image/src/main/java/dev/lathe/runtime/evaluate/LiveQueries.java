package dev.lathe.runtime.evaluate;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One version's five live-figure queries, as the operator substituted them: every placeholder but
 * {@code {{window}}}, which only the evaluation knows once its window has closed.
 *
 * @param requests generation requests answered in the window
 * @param errorRate the share of them that failed
 * @param latencyP95Ms their latency's 95th percentile in ms
 * @param ttftSamples first tokens timed in the window
 * @param ttftP95Ms time to first token's 95th percentile in ms
 */
public record LiveQueries(
    String requests, String errorRate, String latencyP95Ms, String ttftSamples, String ttftP95Ms) {

  /** The names of the {@code --candidate-query NAME=PROMQL} flags, as the API names the fields. */
  public static final List<String> NAMES =
      List.of("requests", "liveErrorRate", "liveLatencyP95Ms", "ttftSamples", "liveTtftP95Ms");

  /** What {@code {{window}}} is replaced with. */
  static final String WINDOW = "{{window}}";

  /**
   * From {@code NAME=PROMQL} flags: all five names, no other.
   *
   * @throws IllegalArgumentException naming the missing or unknown names
   */
  public static LiveQueries of(String version, Map<String, String> queries) {
    TreeSet<String> unknown = new TreeSet<>(queries.keySet());
    NAMES.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown "
              + version
              + " quer"
              + (unknown.size() == 1 ? "y " : "ies ")
              + unknown
              + ": the names are "
              + NAMES);
    }
    List<String> missing =
        NAMES.stream().filter(n -> queries.get(n) == null || queries.get(n).isBlank()).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "the " + version + " queries lack " + missing + " (all of " + NAMES + " are needed)");
    }
    return new LiveQueries(
        queries.get("requests"),
        queries.get("liveErrorRate"),
        queries.get("liveLatencyP95Ms"),
        queries.get("ttftSamples"),
        queries.get("liveTtftP95Ms"));
  }

  /** These queries with {@code {{window}}} standing for {@code window}. */
  LiveQueries over(String window) {
    return new LiveQueries(
        requests.replace(WINDOW, window),
        errorRate.replace(WINDOW, window),
        latencyP95Ms.replace(WINDOW, window),
        ttftSamples.replace(WINDOW, window),
        ttftP95Ms.replace(WINDOW, window));
  }
}
