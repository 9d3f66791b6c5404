package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an evaluation found, as the canary gate reads it: exact match (answers equal to the expected
 * after trimming), accuracy (equal after normalising case, whitespace and trailing punctuation),
 * error rate and latency percentiles over the requests that succeeded.
 */
record EvaluationReport(
    int examples,
    int exact,
    int accurate,
    int errors,
    double[] latenciesMillis,
    List<String> firstErrors) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static boolean exactMatch(String answer, String expected) {
    return answer.strip().equals(expected.strip());
  }

  static boolean accurate(String answer, String expected) {
    return normalise(answer).equals(normalise(expected));
  }

  static String normalise(String text) {
    String collapsed = text.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
    return collapsed.replaceAll("[\\p{Punct}\\s]+$", "").replaceAll("^[\\p{Punct}\\s]+", "");
  }

  /** The value below which a share q of the sorted values lie (nearest rank). */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  ObjectNode toJson(String endpoint, String model) {
    double[] sorted = latenciesMillis.clone();
    Arrays.sort(sorted);
    ObjectNode json = JSON.createObjectNode();
    json.put("endpoint", endpoint);
    json.put("model", model);
    json.put("examples", examples);
    json.put("exactMatch", (double) exact / examples);
    json.put("accuracy", (double) accurate / examples);
    json.put("errorRate", (double) errors / examples);
    json.put("errors", errors);
    ObjectNode latency = json.putObject("latencyMs");
    latency.put("p50", round(percentile(sorted, 0.50)));
    latency.put("p95", round(percentile(sorted, 0.95)));
    latency.put("mean", round(Arrays.stream(sorted).average().orElse(Double.NaN)));
    firstErrors.forEach(json.putArray("firstErrors")::add);
    return json;
  }

  private static double round(double value) {
    return Double.isNaN(value) ? value : Math.round(value * 10) / 10.0;
  }
}
