package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.artifact.contract.GateReport;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One metric's figures for both versions, read out of a gate report.
 *
 * @param canary the candidate's figure, null when there is no data
 * @param stable the stable version's figure, null when there is no data
 * @param samples how many samples the candidate's figure rests on
 * @param stableSamples how many samples stable's figure rests on
 * @param difference the 95% interval of candidate − stable, for proportions; null otherwise
 * @param missing why there is no data, when there is none
 * @param error why the figures could not be measured (their source failed), or null
 * @param source where the figures came from: {@value #EVALUATION}, {@value #PODS} or {@value
 *     #PROMETHEUS}
 * @param canaryQuery the exact query of the canary's figure, for {@value #PROMETHEUS}
 * @param stableQuery the exact query of stable's figure, for {@value #PROMETHEUS}
 */
record MetricFigures(
    Double canary,
    Double stable,
    long samples,
    long stableSamples,
    Interval difference,
    String missing,
    String error,
    String source,
    String canaryQuery,
    String stableQuery) {

  static final String EVALUATION = "evaluation";
  static final String PODS = "pods";
  static final String PROMETHEUS = "prometheus";

  /** Figures measured by the evaluation Job itself (its requests, or its scrapes of the pods). */
  MetricFigures(
      Double canary,
      Double stable,
      long samples,
      long stableSamples,
      Interval difference,
      String missing) {
    this(canary, stable, samples, stableSamples, difference, missing, null, null, null, null);
  }

  static MetricFigures of(EvaluationMetric metric, GateReport report) {
    if (report.prometheus() != null) {
      switch (metric) {
        case LIVE_ERROR_RATE, LIVE_LATENCY_P95_MS, LIVE_TTFT_P95_MS -> {
          return PrometheusFigures.of(metric, report.prometheus());
        }
        default -> {}
      }
    }
    MetricFigures figures = measured(metric, report);
    String source =
        switch (metric) {
          case LIVE_ERROR_RATE, LIVE_LATENCY_P95_MS, LIVE_TTFT_P95_MS -> PODS;
          default -> EVALUATION;
        };
    return new MetricFigures(
        figures.canary,
        figures.stable,
        figures.samples,
        figures.stableSamples,
        figures.difference,
        figures.missing,
        null,
        source,
        null,
        null);
  }

  private static MetricFigures measured(EvaluationMetric metric, GateReport report) {
    return switch (metric) {
      case ACCURACY -> paired(report.accuracy());
      case EXACT_MATCH -> paired(report.exactMatch());
      case ERROR_RATE -> paired(report.errors());
      case LATENCY_P50_MS ->
          timed(
              report.candidate().latencyP50Ms(),
              report.stable().latencyP50Ms(),
              report.candidate().succeeded(),
              report.stable().succeeded());
      case LATENCY_P95_MS ->
          timed(
              report.candidate().latencyP95Ms(),
              report.stable().latencyP95Ms(),
              report.candidate().succeeded(),
              report.stable().succeeded());
      case TTFT_P95_MS ->
          timed(
              report.candidate().ttftP95Ms(),
              report.stable().ttftP95Ms(),
              report.candidate().succeeded(),
              report.stable().succeeded());
      case LIVE_ERROR_RATE -> liveErrors(report.candidateLive(), report.stableLive());
      case LIVE_LATENCY_P95_MS ->
          live(
              report.candidateLive(),
              report.stableLive(),
              GateReport.Live::latencyP95Ms,
              GateReport.Live::requests);
      case LIVE_TTFT_P95_MS ->
          live(
              report.candidateLive(),
              report.stableLive(),
              GateReport.Live::ttftP95Ms,
              GateReport.Live::ttftSamples);
    };
  }

  boolean hasCanary() {
    return canary != null && Double.isFinite(canary);
  }

  boolean hasStable() {
    return stable != null && Double.isFinite(stable);
  }

  private static MetricFigures paired(GateReport.Paired table) {
    if (table.total() == 0) {
      return new MetricFigures(null, null, 0, 0, null, "the evaluation set had no items");
    }
    return new MetricFigures(
        table.candidateShare(),
        table.stableShare(),
        table.total(),
        table.total(),
        Interval.pairedDifference(table),
        null);
  }

  private static MetricFigures timed(Double canary, Double stable, long samples, long stableN) {
    return new MetricFigures(
        canary,
        stable,
        samples,
        stableN,
        null,
        canary == null ? "the candidate answered no timed request" : null);
  }

  private static MetricFigures live(
      GateReport.Live c,
      GateReport.Live s,
      Function<GateReport.Live, Double> figure,
      ToLongFunction<GateReport.Live> samples) {
    if (c == null) {
      return noPods(c, s);
    }
    if (c.podsScraped() == 0) {
      return unscraped(c);
    }
    return timed(
        figure.apply(c),
        s == null ? null : figure.apply(s),
        samples.applyAsLong(c),
        s == null ? 0 : samples.applyAsLong(s));
  }

  private static MetricFigures liveErrors(GateReport.Live c, GateReport.Live s) {
    if (c == null) {
      return noPods(c, s);
    }
    if (c.podsScraped() == 0) {
      return unscraped(c);
    }
    if (c.requests() == 0) {
      return new MetricFigures(
          null, null, 0, 0, null, "the candidate's pods answered no request in the window");
    }
    boolean stableData = s != null && s.requests() > 0;
    Double stable = stableData ? (double) s.errors() / s.requests() : null;
    Interval difference =
        !stableData
            ? null
            : Interval.independentDifference(c.errors(), c.requests(), s.errors(), s.requests());
    return new MetricFigures(
        (double) c.errors() / c.requests(),
        stable,
        c.requests(),
        s == null ? 0 : s.requests(),
        difference,
        null);
  }

  private static MetricFigures unscraped(GateReport.Live c) {
    return new MetricFigures(
        null,
        null,
        0,
        0,
        null,
        "no live metrics: none of the candidate's " + c.pods() + " pod(s) answered both scrapes");
  }

  private static MetricFigures noPods(GateReport.Live c, GateReport.Live s) {
    String which = s == null ? "either version's" : "the candidate's";
    return new MetricFigures(
        null,
        null,
        0,
        0,
        null,
        "no live metrics: the evaluation was given none of " + which + " pods to scrape");
  }
}
