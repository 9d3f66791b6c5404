package dev.lathe.runtime.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PodMetricsTest {

  private static final String SCRAPE =
      """
      # HELP lathe_requests_total HTTP requests by endpoint, model and status
      # TYPE lathe_requests_total counter
      lathe_requests_total{endpoint="completions",model="tiny",status="200"} 90.0
      lathe_requests_total{endpoint="chat_completions",model="tiny",status="503"} 10.0
      lathe_requests_total{endpoint="healthz",model="-",status="500"} 7.0
      lathe_request_duration_seconds_bucket{endpoint="completions",le="0.1"} 50.0
      lathe_request_duration_seconds_bucket{endpoint="completions",le="0.2"} 90.0
      lathe_request_duration_seconds_bucket{endpoint="completions",le="+Inf"} 100.0
      lathe_request_duration_seconds_bucket{endpoint="metrics",le="+Inf"} 1000.0
      lathe_time_to_first_token_seconds_bucket{model="tiny",le="0.01"} 40.0
      lathe_time_to_first_token_seconds_bucket{model="tiny",le="+Inf"} 40.0
      """;

  @Test
  void onlyGenerationRequestsCountAndOnlyTheirFiveHundredsAreErrors() {
    PodMetrics metrics = PodMetrics.parse(SCRAPE);

    assertThat(metrics.requests()).isEqualTo(100);
    assertThat(metrics.errors()).isEqualTo(10);
    assertThat(PodMetrics.count(metrics.latencyBuckets())).isEqualTo(100);
    assertThat(PodMetrics.count(metrics.ttftBuckets())).isEqualTo(40);
  }

  @Test
  void theQuantileIsInterpolatedInsideItsBucketAsPrometheusDoes() {
    PodMetrics metrics = PodMetrics.parse(SCRAPE);

    // rank 95 of 100 falls in (0.2, +Inf]: the highest finite bound.
    assertThat(PodMetrics.quantileMillis(metrics.latencyBuckets(), 0.95)).isEqualTo(200.0);
    // rank 70 of 100 lies halfway through (0.1, 0.2].
    assertThat(PodMetrics.quantileMillis(metrics.latencyBuckets(), 0.70)).isEqualTo(150.0);
    // rank 25 of 100 lies halfway through (0, 0.1].
    assertThat(PodMetrics.quantileMillis(metrics.latencyBuckets(), 0.25)).isEqualTo(50.0);
    assertThat(PodMetrics.quantileMillis(new TreeMap<>(), 0.95)).isNull();
  }

  @Test
  void theWindowIsTheDifferenceOfTwoScrapes() {
    PodMetrics before = PodMetrics.parse(SCRAPE);
    PodMetrics after =
        PodMetrics.parse(
            SCRAPE
                .replace("status=\"200\"} 90.0", "status=\"200\"} 190.0")
                .replace("le=\"+Inf\"} 100.0", "le=\"+Inf\"} 200.0")
                .replace("le=\"0.2\"} 90.0", "le=\"0.2\"} 190.0")
                .replace("le=\"0.1\"} 50.0", "le=\"0.1\"} 50.0"));

    PodMetrics window = after.since(before);

    assertThat(window.requests()).isEqualTo(100);
    assertThat(window.errors()).isZero();
    // All 100 new requests took between 0.1 and 0.2 s.
    assertThat(PodMetrics.quantileMillis(window.latencyBuckets(), 0.5)).isEqualTo(150.0);
  }

  @Test
  void aPodThatRestartedInTheWindowCountsItsWholeLaterScrape() {
    PodMetrics before = PodMetrics.parse(SCRAPE.replace("} 90.0", "} 900.0"));
    PodMetrics after = PodMetrics.parse(SCRAPE);

    assertThat(after.since(before).requests()).isEqualTo(100);
  }
}
