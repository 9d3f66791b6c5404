package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.PrometheusSource;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.artifact.contract.GateReport.Figure;
import dev.lathe.operator.rollout.GateRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One live metric's figures for both versions from the report's Prometheus answers: the figure's
 * query and its samples' query for each version. A query that erred makes the figures an error (the
 * threshold is then Error, not a verdict on the canary); no data leaves the figure absent
 * (Inconclusive). Pure.
 */
final class PrometheusFigures {

  private PrometheusFigures() {}

  static MetricFigures of(EvaluationMetric metric, GateReport.Prometheus answers) {
    Function<GateReport.Queried, Figure> figure =
        switch (metric) {
          case LIVE_ERROR_RATE -> GateReport.Queried::errorRate;
          case LIVE_LATENCY_P95_MS -> GateReport.Queried::latencyP95Ms;
          case LIVE_TTFT_P95_MS -> GateReport.Queried::ttftP95Ms;
          default -> throw new IllegalArgumentException(metric + " is not a live metric");
        };
    Function<GateReport.Queried, Figure> samples =
        metric == EvaluationMetric.LIVE_TTFT_P95_MS
            ? GateReport.Queried::ttftSamples
            : GateReport.Queried::requests;
    String name = MetricNames.of(metric);
    Figure canary = figure.apply(answers.candidate());
    Figure stable = figure.apply(answers.stable());
    Figure canaryN = samples.apply(answers.candidate());
    Figure stableN = samples.apply(answers.stable());
    String error =
        List.of(
                Map.entry("the candidate's " + name, canary),
                Map.entry("the candidate's " + samplesName(metric), canaryN),
                Map.entry("stable's " + name, stable),
                Map.entry("stable's " + samplesName(metric), stableN))
            .stream()
            .filter(asked -> asked.getValue().error() != null)
            .findFirst()
            .map(asked -> asked.getKey() + " query failed: " + asked.getValue().error())
            .orElse(null);
    long n = count(canaryN);
    long stableCount = count(stableN);
    String missing =
        canary.value() != null
            ? null
            : canary.noData() != null
                ? "no data from Prometheus for the candidate's " + name + ": " + canary.noData()
                : null;
    Interval difference = null;
    if (metric == EvaluationMetric.LIVE_ERROR_RATE
        && canary.value() != null
        && stable.value() != null
        && n > 0
        && stableCount > 0) {
      // Prometheus gives a rate, not counts: the failed requests are the rate times the requests
      // (increase() extrapolates, so neither is an exact integer).
      difference =
          Interval.independentDifference(
              Math.round(canary.value() * n),
              n,
              Math.round(stable.value() * stableCount),
              stableCount);
    }
    return new MetricFigures(
        canary.value(),
        stable.value(),
        n,
        stableCount,
        difference,
        missing,
        error,
        MetricFigures.PROMETHEUS,
        canary.query(),
        stable.query());
  }

  /**
   * The report with every query as the Job ran it: a report that left the queries' text out to fit
   * the termination message gets them back from the same substitution that gave the Job its
   * arguments, {@code {{window}}} as the report says.
   */
  static GateReport withQueriesAsRun(GateRequest request, GateReport report) {
    GateReport.Prometheus answers = report.prometheus();
    if (answers == null || !answers.queriesOmitted() || request.gate().getPrometheus() == null) {
      return report;
    }
    PrometheusSource source = request.gate().getPrometheus();
    Map<String, String> candidate =
        PrometheusQueryTemplate.forVersion(
            source, request.deployment(), request.candidateVersion(), request.candidateDigest());
    Map<String, String> stable =
        PrometheusQueryTemplate.forVersion(
            source, request.deployment(), request.stableVersion(), request.stableDigest());
    return report.withPrometheus(
        new GateReport.Prometheus(
            answers.address(),
            answers.time(),
            answers.window(),
            asRun(answers.candidate(), candidate, answers.window()),
            asRun(answers.stable(), stable, answers.window()),
            true));
  }

  private static GateReport.Queried asRun(
      GateReport.Queried figures, Map<String, String> queries, String window) {
    Function<String, String> query = name -> queries.get(name).replace("{{window}}", window);
    return figures.withQueries(
        query.apply("requests"),
        query.apply("liveErrorRate"),
        query.apply("liveLatencyP95Ms"),
        query.apply("ttftSamples"),
        query.apply("liveTtftP95Ms"));
  }

  private static String samplesName(EvaluationMetric metric) {
    return metric == EvaluationMetric.LIVE_TTFT_P95_MS ? "ttftSamples" : "requests";
  }

  private static long count(Figure samples) {
    return samples.value() == null ? 0 : Math.round(samples.value());
  }
}
