package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AnalysisRunReasons;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricVerdict;
import dev.lathe.api.v1alpha1.PrometheusSource;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.artifact.contract.GateReport.Figure;
import dev.lathe.operator.rollout.GateRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live thresholds decided on the report's Prometheus answers. */
class PrometheusFiguresTest {

  private static GateReport.Queried version(
      String v, Figure requests, Figure errorRate, Figure latency) {
    return new GateReport.Queried(
        requests,
        errorRate,
        latency,
        Figure.of("ttft_count{v=\"" + v + "\"}", 100),
        Figure.of("ttft{v=\"" + v + "\"}", 40));
  }

  private static Figure value(String query, double value) {
    return Figure.of(query, value);
  }

  private static GateReport report(GateReport.Queried candidate, GateReport.Queried stable) {
    return Reports.withPrometheus(
        new GateReport.Prometheus(
            "http://prometheus:9090", "2026-12-02T01:00:00Z", "95s", candidate, stable, false));
  }

  /** A gate bounding the live error rate absolutely and the live latency against stable. */
  private static EvaluationGate liveGate() {
    EvaluationGate gate = GateRequests.gate();
    gate.setThresholds(
        List.of(
            Reports.threshold(EvaluationMetric.LIVE_ERROR_RATE, null, 0.05, null),
            Reports.threshold(EvaluationMetric.LIVE_LATENCY_P95_MS, null, null, 0.2)));
    return gate;
  }

  private static GateReport.Queried healthy(String v, double errorRate, double latency) {
    return version(
        v,
        value("requests{v=\"" + v + "\"}", 400),
        value("rate{v=\"" + v + "\"}", errorRate),
        value("p95{v=\"" + v + "\"}", latency));
  }

  private static MetricResult decide(
      EvaluationMetric metric, Double max, Double maxRegression, GateReport report) {
    return ThresholdDecision.decide(
        Reports.threshold(metric, null, max, maxRegression), 20, MetricFigures.of(metric, report));
  }

  @Test
  void aLiveLatencyFromPrometheusIsJudgedAndRecordsItsSourceAndBothQueries() {
    GateReport report = report(healthy("v2", 0, 260), healthy("v1", 0, 200));

    MetricResult result = decide(EvaluationMetric.LIVE_LATENCY_P95_MS, null, 0.2, report);

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getCanary()).isEqualTo(260.0);
    assertThat(result.getStable()).isEqualTo(200.0);
    assertThat(result.getSamples()).isEqualTo(400);
    assertThat(result.getSource()).isEqualTo("prometheus");
    assertThat(result.getCanaryQuery()).isEqualTo("p95{v=\"v2\"}");
    assertThat(result.getStableQuery()).isEqualTo("p95{v=\"v1\"}");
  }

  @Test
  void aLiveErrorRateFromPrometheusGetsAnIntervalFromTheRateTimesTheRequests() {
    GateReport report = report(healthy("v2", 0.25, 100), healthy("v1", 0.0, 100));

    MetricResult result = decide(EvaluationMetric.LIVE_ERROR_RATE, null, 0.02, report);

    // 100 of 400 failed against 0 of 400: wholly worse than 2 points.
    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Failed);
    assertThat(result.getIntervalLower()).isGreaterThan(0.02);
    assertThat(result.getIntervalUpper()).isLessThan(0.35);
  }

  @Test
  void noDataFromPrometheusIsInconclusiveNeverAPass() {
    GateReport report =
        report(
            version(
                "v2",
                value("requests", 400),
                Figure.noData("rate", "the query's value is NaN (e.g. 0/0: no requests)"),
                Figure.noData("p95", "the query matched no series (an empty vector)")),
            healthy("v1", 0, 100));

    MetricResult errors = decide(EvaluationMetric.LIVE_ERROR_RATE, 0.5, null, report);
    MetricResult latency = decide(EvaluationMetric.LIVE_LATENCY_P95_MS, 10_000.0, null, report);

    assertThat(errors.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(errors.getReason())
        .isEqualTo(
            "no data from Prometheus for the candidate's liveErrorRate: the query's value is NaN"
                + " (e.g. 0/0: no requests)");
    assertThat(latency.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(latency.getReason()).contains("an empty vector");
  }

  @Test
  void tooFewRequestsInPrometheusAreInconclusiveAsForThePodsScrape() {
    GateReport report =
        report(
            version("v2", value("requests", 7), value("rate", 0), value("p95", 90)),
            healthy("v1", 0, 100));

    MetricResult result = decide(EvaluationMetric.LIVE_ERROR_RATE, 0.05, null, report);

    assertThat(result.getVerdict()).isEqualTo(MetricVerdict.Inconclusive);
    assertThat(result.getReason())
        .isEqualTo("the candidate's figure rests on 7 sample(s), fewer than minSamples 20");
  }

  @Test
  void aFailedQueryIsAnErrorAndTheGateRunsAgainWhileTheOtherFiguresStay() {
    GateReport report =
        report(
            version(
                "v2",
                value("requests", 400),
                value("rate", 0),
                Figure.error(
                    "histogram_quantile(",
                    "Prometheus refused the query (HTTP 400, bad_data): parse error")),
            healthy("v1", 0, 100));
    GateDecision.GateOutcome outcome = GateDecision.decide(liveGate(), report);

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Error);
    assertThat(outcome.reason()).isEqualTo(AnalysisRunReasons.METRIC_QUERY_FAILED);
    assertThat(outcome.results().get(0).getVerdict()).isEqualTo(MetricVerdict.Passed);
    MetricResult latency = outcome.results().get(1);
    assertThat(latency.getVerdict()).isEqualTo(MetricVerdict.Error);
    assertThat(latency.getReason())
        .isEqualTo(
            "the candidate's liveLatencyP95Ms query failed: Prometheus refused the query (HTTP"
                + " 400, bad_data): parse error");
    assertThat(outcome.message()).contains("liveLatencyP95Ms Error");
  }

  @Test
  void aFailedThresholdOutweighsAnotherThatCouldNotBeMeasured() {
    GateReport report =
        report(
            version(
                "v2",
                value("requests", 400),
                value("rate", 0.5),
                Figure.error("p95", "Prometheus at http://prometheus:9090 could not be reached")),
            healthy("v1", 0, 100));
    GateDecision.GateOutcome outcome = GateDecision.decide(liveGate(), report);

    assertThat(outcome.verdict()).isEqualTo(AnalysisVerdict.Failed);
  }

  @Test
  void queriesTheReportLeftOutAreTheJobsOwnWithTheReportsWindow() {
    EvaluationGate gate = liveGate();
    PrometheusSource source = new PrometheusSource();
    source.setAddress("http://prometheus:9090");
    gate.setPrometheus(source);
    GateRequest request = GateRequests.request(gate, 0, List.of());
    GateReport omitted =
        Reports.withPrometheus(
            new GateReport.Prometheus(
                "http://prometheus:9090",
                "2026-12-02T01:00:00Z",
                "95s",
                version("v2", Figure.of(null, 400), Figure.of(null, 0), Figure.of(null, 90))
                    .withQueries(null, null, null, null, null),
                healthy("v1", 0, 100),
                true));
    String jobsQuery =
        EvaluationJobBuilder.build(request)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs()
            .stream()
            .filter(a -> a.startsWith("liveLatencyP95Ms=") && a.contains("chat-v2"))
            .findFirst()
            .orElseThrow()
            .substring("liveLatencyP95Ms=".length());

    GateReport restored = PrometheusFigures.withQueriesAsRun(request, omitted);

    assertThat(restored.prometheus().candidate().latencyP95Ms().query())
        .isEqualTo(jobsQuery.replace("{{window}}", "95s"));
    assertThat(restored.prometheus().candidate().latencyP95Ms().value()).isEqualTo(90.0);
    // A query the report kept is the one it ran.
    assertThat(restored.prometheus().stable().latencyP95Ms().query()).isEqualTo("p95{v=\"v1\"}");
  }

  @Test
  void theEvaluationsOwnFiguresAndThePodsScrapesSayWhereTheyCameFrom() {
    GateReport report = Reports.withLive(Reports.live(100, 0, 120.0), Reports.live(100, 0, 110.0));

    MetricResult accuracy =
        ThresholdDecision.decide(
            Reports.threshold(EvaluationMetric.ACCURACY, 0.5, null, null),
            20,
            MetricFigures.of(EvaluationMetric.ACCURACY, report));
    MetricResult live = decide(EvaluationMetric.LIVE_LATENCY_P95_MS, 500.0, null, report);

    assertThat(accuracy.getSource()).isEqualTo("evaluation");
    assertThat(live.getSource()).isEqualTo("pods");
    assertThat(live.getCanaryQuery()).isNull();
  }
}
