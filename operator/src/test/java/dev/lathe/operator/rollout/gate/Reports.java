package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.artifact.contract.GateReport.Live;
import dev.lathe.artifact.contract.GateReport.Paired;
import dev.lathe.artifact.contract.GateReport.Requests;

/** Gate reports and thresholds for the arithmetic's tests. */
final class Reports {

  static final String DATASET = "sha256:" + "d1".repeat(32);

  private Reports() {}

  /** A report whose accuracy table is {@code accuracy}; everything else clean. */
  static GateReport withAccuracy(Paired accuracy) {
    int n = accuracy.total();
    return new GateReport(
        GateReport.SCHEMA,
        DATASET,
        n,
        accuracy,
        accuracy,
        new Paired(0, 0, 0, n),
        new Requests(n, 0, 100.0, 200.0, 30.0),
        new Requests(n, 0, 100.0, 200.0, 30.0),
        null,
        null,
        null,
        null);
  }

  static GateReport withErrors(GateReport base, Paired errors) {
    return new GateReport(
        base.schema(),
        base.datasetDigest(),
        base.items(),
        base.accuracy(),
        base.exactMatch(),
        errors,
        base.candidate(),
        base.stable(),
        base.candidateLive(),
        base.stableLive(),
        base.prometheus(),
        base.note());
  }

  static GateReport withLatency(int n, double candidateP95, double stableP95) {
    GateReport base = withAccuracy(new Paired(n, 0, 0, 0));
    return new GateReport(
        base.schema(),
        base.datasetDigest(),
        n,
        base.accuracy(),
        base.exactMatch(),
        base.errors(),
        new Requests(n, 0, candidateP95 / 2, candidateP95, 30.0),
        new Requests(n, 0, stableP95 / 2, stableP95, 30.0),
        null,
        null,
        null,
        null);
  }

  static GateReport withLive(Live candidate, Live stable) {
    return withLiveFigures(candidate, stable, null);
  }

  /** A clean report whose live figures are Prometheus' answers. */
  static GateReport withPrometheus(GateReport.Prometheus answers) {
    return withLiveFigures(null, null, answers);
  }

  private static GateReport withLiveFigures(
      Live candidate, Live stable, GateReport.Prometheus answers) {
    GateReport base = withAccuracy(new Paired(40, 0, 0, 0));
    return new GateReport(
        base.schema(),
        base.datasetDigest(),
        base.items(),
        base.accuracy(),
        base.exactMatch(),
        base.errors(),
        base.candidate(),
        base.stable(),
        candidate,
        stable,
        answers,
        null);
  }

  static Live live(long requests, long errors, Double latencyP95) {
    return new Live(
        1,
        1,
        60,
        requests,
        errors,
        latencyP95,
        requests,
        latencyP95 == null ? null : latencyP95 / 4);
  }

  static MetricThreshold threshold(
      EvaluationMetric metric, Double min, Double max, Double maxRegression) {
    MetricThreshold threshold = new MetricThreshold();
    threshold.setMetric(metric);
    threshold.setMin(min);
    threshold.setMax(max);
    threshold.setMaxRegression(maxRegression);
    return threshold;
  }
}
