package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.GateReport.Figure;
import java.io.IOException;

/**
 * One gate figure from the body of a Prometheus {@code /api/v1/query} answer. A scalar, or a vector
 * of exactly one sample, is the figure; an empty vector, NaN or ±Inf is no data (Prometheus answers
 * NaN for 0/0, e.g. an error rate without requests, and an empty vector when no series matched),
 * never a figure that could pass a threshold; an error answer, several series, or a range or string
 * result is an error naming what to change. Pure.
 */
final class PrometheusAnswer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusAnswer() {}

  /** {@code status}: the HTTP status; {@code body}: what Prometheus sent. */
  static Figure read(String query, int status, String body) {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.isObject()) {
      return Figure.error(
          query, "Prometheus answered HTTP " + status + " without a JSON body: " + start(body));
    }
    if (!"success".equals(answer.path("status").asText())) {
      String type = answer.path("errorType").asText("");
      String error = answer.path("error").asText("no error text");
      return Figure.error(
          query,
          "Prometheus refused the query (HTTP "
              + status
              + (type.isEmpty() ? "" : ", " + type)
              + "): "
              + error);
    }
    JsonNode data = answer.path("data");
    String type = data.path("resultType").asText("");
    JsonNode result = data.path("result");
    return switch (type) {
      case "scalar" -> sample(query, result, "the scalar");
      case "vector" -> vector(query, result);
      case "matrix" ->
          Figure.error(
              query,
              "the query returned a range vector (matrix): ask for an instant vector, e.g."
                  + " wrap the range selector in increase(...) or rate(...)");
      default ->
          Figure.error(
              query,
              "the query returned a "
                  + (type.isEmpty() ? "result without a type" : type)
                  + ": a gate figure is a scalar or a one-sample vector");
    };
  }

  private static Figure vector(String query, JsonNode result) {
    if (!result.isArray() || result.isEmpty()) {
      return Figure.noData(query, "the query matched no series (an empty vector)");
    }
    if (result.size() > 1) {
      return Figure.error(
          query,
          "the query returned "
              + result.size()
              + " series, e.g. "
              + result.get(0).path("metric")
              + ": aggregate them into one (sum, or sum by (le) inside histogram_quantile)");
    }
    return sample(query, result.get(0).path("value"), "its one sample");
  }

  /** A sample is {@code [<unix time>, "<value>"]}, the value a string so NaN and ±Inf survive. */
  private static Figure sample(String query, JsonNode sample, String what) {
    if (!sample.isArray() || sample.size() != 2 || !sample.get(1).isTextual()) {
      return Figure.error(query, "Prometheus answered " + what + " as " + sample + ", not [t, v]");
    }
    String text = sample.get(1).asText();
    double value;
    try {
      value = Double.parseDouble(text.replace("Inf", "Infinity"));
    } catch (NumberFormatException e) {
      return Figure.error(query, "Prometheus answered " + what + " as \"" + text + "\"");
    }
    if (!Double.isFinite(value)) {
      return Figure.noData(
          query,
          "the query's value is "
              + text
              + (Double.isNaN(value)
                  ? " (e.g. 0/0: no requests in the window)"
                  : " (e.g. a division by 0)"));
    }
    return Figure.of(query, value);
  }

  private static String start(String body) {
    String text = body == null ? "" : body.strip();
    return text.isEmpty() ? "(empty)" : text.length() <= 120 ? text : text.substring(0, 120) + "…";
  }
}
