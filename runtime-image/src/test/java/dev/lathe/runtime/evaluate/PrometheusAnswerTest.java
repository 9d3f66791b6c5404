package dev.lathe.runtime.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.artifact.contract.GateReport.Figure;
import org.junit.jupiter.api.Test;

class PrometheusAnswerTest {

  private static final String QUERY = "sum(increase(lathe_requests_total[60s]))";

  private static String vector(String... values) {
    StringBuilder samples = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      samples
          .append(i == 0 ? "" : ",")
          .append("{\"metric\":{\"instance\":\"pod-")
          .append(i)
          .append("\"},\"value\":[1764637200.5,\"")
          .append(values[i])
          .append("\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + samples
        + "]}}";
  }

  @Test
  void aOneSampleVectorIsItsValue() {
    Figure figure = PrometheusAnswer.read(QUERY, 200, vector("41.5"));

    assertThat(figure).isEqualTo(Figure.of(QUERY, 41.5));
  }

  @Test
  void aScalarIsItsValue() {
    Figure figure =
        PrometheusAnswer.read(
            QUERY,
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                + "\"result\":[1764637200.5,\"0.25\"]}}");

    assertThat(figure.value()).isEqualTo(0.25);
    assertThat(figure.error()).isNull();
  }

  @Test
  void anEmptyVectorIsNoDataNotZero() {
    Figure figure = PrometheusAnswer.read(QUERY, 200, vector());

    assertThat(figure.value()).isNull();
    assertThat(figure.noData()).isEqualTo("the query matched no series (an empty vector)");
    assertThat(figure.error()).isNull();
  }

  @Test
  void nanAndBothInfinitiesAreNoData() {
    assertThat(PrometheusAnswer.read(QUERY, 200, vector("NaN")).noData())
        .startsWith("the query's value is NaN");
    assertThat(PrometheusAnswer.read(QUERY, 200, vector("+Inf")).noData())
        .startsWith("the query's value is +Inf");
    assertThat(PrometheusAnswer.read(QUERY, 200, vector("-Inf")).noData())
        .startsWith("the query's value is -Inf");
    assertThat(PrometheusAnswer.read(QUERY, 200, vector("NaN")).value()).isNull();
  }

  @Test
  void anErrorAnswerIsAnErrorQuotingPrometheus() {
    Figure figure =
        PrometheusAnswer.read(
            "sum(",
            400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\","
                + "\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error: unclosed left"
                + " parenthesis\"}");

    assertThat(figure.query()).isEqualTo("sum(");
    assertThat(figure.value()).isNull();
    assertThat(figure.error())
        .isEqualTo(
            "Prometheus refused the query (HTTP 400, bad_data): invalid parameter \"query\": 1:5:"
                + " parse error: unclosed left parenthesis");
  }

  @Test
  void severalSeriesAreAnErrorAskingForAnAggregation() {
    Figure figure = PrometheusAnswer.read(QUERY, 200, vector("1", "2"));

    assertThat(figure.error())
        .startsWith("the query returned 2 series, e.g. {\"instance\":\"pod-0\"}")
        .contains("aggregate them into one");
  }

  @Test
  void aRangeVectorIsAnErrorAskingForAnInstantVector() {
    Figure figure =
        PrometheusAnswer.read(
            "lathe_requests_total[1m]",
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");

    assertThat(figure.error()).startsWith("the query returned a range vector (matrix)");
  }

  @Test
  void aBodyThatIsNotJsonIsAnErrorWithTheStatus() {
    Figure figure = PrometheusAnswer.read(QUERY, 502, "<html>Bad Gateway</html>");

    assertThat(figure.error())
        .isEqualTo("Prometheus answered HTTP 502 without a JSON body: <html>Bad Gateway</html>");
  }

  @Test
  void aValueThatIsNotANumberIsAnError() {
    Figure figure = PrometheusAnswer.read(QUERY, 200, vector("many"));

    assertThat(figure.error()).isEqualTo("Prometheus answered its one sample as \"many\"");
  }
}
