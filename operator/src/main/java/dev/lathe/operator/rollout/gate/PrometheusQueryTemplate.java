package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.PrometheusQueries;
import dev.lathe.api.v1alpha1.PrometheusSource;
import dev.lathe.operator.serving.ServingNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gate's Prometheus queries for one version: each given query, or the default that reads the
 * runtime's own metrics, with {@code {{namespace}}}, {@code {{deployment}}}, {@code {{version}}}
 * and {@code {{digest}}} substituted. {@code {{window}}} is left for the evaluation Job, the only
 * one that knows how long its window was. Pure.
 */
final class PrometheusQueryTemplate {

  /** The placeholders a query may hold; any other text in double braces is refused. */
  static final Set<String> PLACEHOLDERS =
      Set.of("namespace", "deployment", "version", "digest", "window");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");

  // Pods' labels as a PodMonitor's podTargetLabels (or a labelmap) carry them onto the series:
  // Prometheus replaces the characters a label name may not hold with '_'.
  private static final String SELECTOR =
      "namespace=\"{{namespace}}\",lathe_dev_model_version=\"{{version}}\"";
  private static final String GENERATION = "endpoint=~\"completions|chat_completions\"";
  private static final String REQUESTS =
      "sum(increase(lathe_requests_total{" + SELECTOR + "," + GENERATION + "}[{{window}}]))";

  /** The defaults, by the flag names the evaluate command takes. */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "requests",
          REQUESTS,
          // "or vector(0)": a version that never answered a 5xx has no such series, and the rate
          // is then 0, not no data; without requests the division still leaves no data.
          "liveErrorRate",
          "(sum(increase(lathe_requests_total{"
              + SELECTOR
              + ","
              + GENERATION
              + ",status=~\"5..\"}[{{window}}])) or vector(0)) / "
              + REQUESTS,
          "liveLatencyP95Ms",
          "1000 * histogram_quantile(0.95, sum by (le) (increase("
              + "lathe_request_duration_seconds_bucket{"
              + SELECTOR
              + ","
              + GENERATION
              + "}[{{window}}])))",
          "ttftSamples",
          "sum(increase(lathe_time_to_first_token_seconds_count{" + SELECTOR + "}[{{window}}]))",
          "liveTtftP95Ms",
          "1000 * histogram_quantile(0.95, sum by (le) (increase("
              + "lathe_time_to_first_token_seconds_bucket{"
              + SELECTOR
              + "}[{{window}}])))");

  private PrometheusQueryTemplate() {}

  /**
   * Every query for one version, in the evaluate command's order, placeholders but {@code
   * {{window}}} substituted.
   *
   * @param queries the gate's queries, or null for all defaults
   * @param values namespace, deployment, version and digest
   * @throws IllegalArgumentException naming the query and the unknown placeholder
   */
  static Map<String, String> queries(PrometheusQueries queries, Map<String, String> values) {
    PrometheusQueries given = Optional.ofNullable(queries).orElseGet(PrometheusQueries::new);
    Map<String, Function<PrometheusQueries, String>> fields = new LinkedHashMap<>();
    fields.put("requests", PrometheusQueries::getRequests);
    fields.put("liveErrorRate", PrometheusQueries::getLiveErrorRate);
    fields.put("liveLatencyP95Ms", PrometheusQueries::getLiveLatencyP95Ms);
    fields.put("ttftSamples", PrometheusQueries::getTtftSamples);
    fields.put("liveTtftP95Ms", PrometheusQueries::getLiveTtftP95Ms);
    Map<String, String> substituted = new LinkedHashMap<>();
    fields.forEach(
        (name, field) -> {
          String template = Optional.ofNullable(field.apply(given)).orElse(DEFAULTS.get(name));
          substituted.put(name, substitute(name, template, values));
        });
    return substituted;
  }

  /** One version's queries, as the evaluation Job is given them. */
  static Map<String, String> forVersion(
      PrometheusSource prometheus, ModelDeployment md, String version, String digest) {
    return queries(
        prometheus.getQueries(),
        Map.of(
            "namespace", md.getMetadata().getNamespace(),
            "deployment", ServingNames.deploymentLabelValue(md),
            "version", ServingNames.versionLabelValue(version),
            "digest", digest));
  }

  static String substitute(String name, String template, Map<String, String> values) {
    Matcher placeholder = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (placeholder.find()) {
      String key = placeholder.group(1);
      if (!PLACEHOLDERS.contains(key)) {
        throw new IllegalArgumentException(
            "spec.rollout.evaluation.prometheus.queries."
                + name
                + " holds {{"
                + key
                + "}}: a query may use only {{namespace}}, {{deployment}}, {{version}},"
                + " {{digest}} and {{window}}");
      }
      String value = "window".equals(key) ? placeholder.group() : values.get(key);
      if (value == null) {
        throw new IllegalStateException("no value for {{" + key + "}}");
      }
      placeholder.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    placeholder.appendTail(out);
    return out.toString();
  }
}
