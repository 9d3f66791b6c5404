package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.v1alpha1.PrometheusQueries;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusQueryTemplateTest {

  private static final Map<String, String> V2 =
      Map.of(
          "namespace", "ml",
          "deployment", "chat",
          "version", "chat-v2",
          "digest", GateRequests.CANDIDATE_DIGEST);

  @Test
  void everyPlaceholderButTheWindowIsSubstituted() {
    String query =
        PrometheusQueryTemplate.substitute(
            "requests",
            "sum(increase(x{ns=\"{{namespace}}\",md=\"{{deployment}}\",v=\"{{version}}\","
                + "d=\"{{digest}}\"}[{{window}}]))",
            V2);

    assertThat(query)
        .isEqualTo(
            "sum(increase(x{ns=\"ml\",md=\"chat\",v=\"chat-v2\",d=\""
                + GateRequests.CANDIDATE_DIGEST
                + "\"}[{{window}}]))");
  }

  @Test
  void absentQueriesAreTheDefaultsOnTheRuntimesOwnMetricsForThatVersion() {
    Map<String, String> queries = PrometheusQueryTemplate.queries(null, V2);

    assertThat(queries.keySet())
        .containsExactly(
            "requests", "liveErrorRate", "liveLatencyP95Ms", "ttftSamples", "liveTtftP95Ms");
    String selector = "namespace=\"ml\",lathe_dev_model_version=\"chat-v2\"";
    assertThat(queries.get("requests"))
        .isEqualTo(
            "sum(increase(lathe_requests_total{"
                + selector
                + ",endpoint=~\"completions|chat_completions\"}[{{window}}]))");
    assertThat(queries.get("liveErrorRate"))
        .startsWith(
            "(sum(increase(lathe_requests_total{"
                + selector
                + ",endpoint=~\"completions|chat_completions\",status=~\"5..\"}[{{window}}]))"
                + " or vector(0)) / sum(");
    assertThat(queries.get("liveLatencyP95Ms"))
        .isEqualTo(
            "1000 * histogram_quantile(0.95, sum by (le) (increase("
                + "lathe_request_duration_seconds_bucket{"
                + selector
                + ",endpoint=~\"completions|chat_completions\"}[{{window}}])))");
    assertThat(queries.get("ttftSamples")).contains("lathe_time_to_first_token_seconds_count{");
    assertThat(queries.get("liveTtftP95Ms")).contains("lathe_time_to_first_token_seconds_bucket{");
    assertThat(queries.values()).noneMatch(q -> q.contains("{{version}}"));
  }

  @Test
  void aGivenQueryReplacesOnlyItsOwnDefault() {
    PrometheusQueries given = new PrometheusQueries();
    given.setLiveErrorRate("my_errors{app=\"{{deployment}}\"}");

    Map<String, String> queries = PrometheusQueryTemplate.queries(given, V2);

    assertThat(queries.get("liveErrorRate")).isEqualTo("my_errors{app=\"chat\"}");
    assertThat(queries.get("requests"))
        .isEqualTo(PrometheusQueryTemplate.queries(null, V2).get("requests"));
  }

  @Test
  void anUnknownPlaceholderIsRefusedNamingTheQueryAndTheKnownOnes() {
    PrometheusQueries given = new PrometheusQueries();
    given.setLiveTtftP95Ms("ttft{model=\"{{model}}\"}");

    assertThatThrownBy(() -> PrometheusQueryTemplate.queries(given, V2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "spec.rollout.evaluation.prometheus.queries.liveTtftP95Ms holds {{model}}: a query"
                + " may use only {{namespace}}, {{deployment}}, {{version}}, {{digest}} and"
                + " {{window}}");
  }

  @Test
  void theCrdPatternAcceptsThePlaceholdersAndRefusesOtherDoubleBraces() {
    Pattern pattern = Pattern.compile(PrometheusQueries.TEMPLATE);

    for (String query : PrometheusQueryTemplate.DEFAULTS.values()) {
      assertThat(pattern.matcher(query).matches()).as(query).isTrue();
    }
    assertThat(pattern.matcher("x{a=\"{{digest}}\"} {").matches()).isTrue();
    assertThat(pattern.matcher("x{a=\"{{model}}\"}").matches()).isFalse();
    assertThat(pattern.matcher("x{a=\"{{ version }}\"}").matches()).isFalse();
  }
}
