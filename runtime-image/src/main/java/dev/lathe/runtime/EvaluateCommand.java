package dev.lathe.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.evaluate.LiveQueries;
import dev.lathe.runtime.evaluate.PairedEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: the evaluation gate's Job ({@link PairedEvaluation}). It writes the {@link
 * GateReport} to the termination log (and stdout). Exit 0 when it ran, whatever the scores: the
 * operator's gate decides. Exit 3 with {@code evaluate failed: …} in the termination log when it
 * could not run (no dataset, a malformed line, storage unreachable).
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Score a candidate and a stable endpoint on the same evaluation set in one window, with"
            + " their pods' live metrics; write the gate report to the termination log.")
final class EvaluateCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--candidate-endpoint",
      required = true,
      description = "The candidate's base URL, e.g. http://md-v2:8000/v1")
  String candidateEndpoint;

  @Option(
      names = "--stable-endpoint",
      required = true,
      description = "The stable version's base URL.")
  String stableEndpoint;

  @Option(names = "--model", required = true, description = "The model field of every request.")
  String model;

  @Option(
      names = "--candidate-model",
      description = "The candidate's model field, when it differs from --model (a pinned adapter).")
  String candidateModel;

  @Option(
      names = "--stable-model",
      description = "The stable version's model field, when it differs from --model.")
  String stableModel;

  @Option(
      names = "--dataset",
      required = true,
      description =
          "The evaluation set: s3://BUCKET/KEY, pvc://CLAIM/PATH, file:///PATH or a path.")
  String dataset;

  @Option(names = "--max-samples", description = "Ask at most this many items, in file order.")
  Integer maxSamples;

  @Option(names = "--max-tokens", defaultValue = "64")
  int maxTokens;

  @Option(
      names = "--concurrency",
      defaultValue = "2",
      description = "Items in flight at once (each asks both versions).")
  int concurrency;

  @Option(names = "--timeout-seconds", defaultValue = "120", description = "Per request.")
  int timeoutSeconds;

  @Option(
      names = "--candidate-pods",
      split = ",",
      description = "HOST:PORT of each candidate pod, whose /metrics give the live figures.")
  List<String> candidatePods = new ArrayList<>();

  @Option(names = "--stable-pods", split = ",", description = "HOST:PORT of each stable pod.")
  List<String> stablePods = new ArrayList<>();

  @Option(
      names = "--await-pods",
      split = ",",
      description =
          "HOST:PORT of each pod that must serve both model fields before scoring starts (an"
              + " adapter rollout: a new adapter list reaches every pod within seconds, not at"
              + " once).")
  List<String> awaitPods = new ArrayList<>();

  @Option(
      names = "--await-seconds",
      defaultValue = "120",
      description = "How long to wait for --await-pods to serve both model fields.")
  long awaitSeconds;

  @Option(
      names = "--live-window-seconds",
      defaultValue = "0",
      description = "Keep the live window open at least this long (the step's window).")
  long liveWindowSeconds;

  @Option(
      names = "--prometheus-address",
      description =
          "A Prometheus server's base URL: the live figures are then also queried from it (the"
              + " report's prometheus), with --candidate-query and --stable-query.")
  String prometheusAddress;

  @Option(
      names = "--candidate-query",
      description =
          "NAME=PROMQL, once for each of "
              + "requests, liveErrorRate, liveLatencyP95Ms, ttftSamples and liveTtftP95Ms: the"
              + " candidate's queries, {{window}} left for the window's length.")
  Map<String, String> candidateQueries = new LinkedHashMap<>();

  @Option(names = "--stable-query", description = "NAME=PROMQL: the stable version's queries.")
  Map<String, String> stableQueries = new LinkedHashMap<>();

  @Option(
      names = "--prometheus-delay-seconds",
      defaultValue = "30",
      description =
          "How long after the window closes to query Prometheus: at least its scrape interval.")
  long prometheusDelaySeconds;

  @Option(
      names = "--prometheus-timeout-seconds",
      defaultValue = "30",
      description = "Per Prometheus query.")
  long prometheusTimeoutSeconds;

  @Mixin StoreOptions store;

  @Override
  public Integer call() throws InterruptedException {
    try {
      GateReport report = evaluate();
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      TerminationLog.write(report.toTerminationMessage());
      return ExitCodes.OK;
    } catch (IOException
        | UncheckedIOException
        | ArtifactException
        | IllegalArgumentException
        | IllegalStateException e) {
      String message = "evaluate failed: " + e.getMessage();
      System.err.println(message);
      TerminationLog.write(message);
      return ExitCodes.FAILED;
    }
  }

  GateReport evaluate() throws IOException, InterruptedException {
    return PairedEvaluation.run(
        new PairedEvaluation.Settings(
            candidateEndpoint,
            stableEndpoint,
            candidateModel != null ? candidateModel : model,
            stableModel != null ? stableModel : model,
            dataset,
            maxSamples,
            maxTokens,
            concurrency,
            Duration.ofSeconds(timeoutSeconds),
            candidatePods == null ? List.of() : candidatePods,
            stablePods == null ? List.of() : stablePods,
            Duration.ofSeconds(liveWindowSeconds),
            awaitPods == null ? List.of() : awaitPods,
            Duration.ofSeconds(awaitSeconds),
            prometheus()),
        store.locations());
  }

  private PairedEvaluation.PrometheusSettings prometheus() {
    if (prometheusAddress == null) {
      if (!candidateQueries.isEmpty() || !stableQueries.isEmpty()) {
        throw new IllegalArgumentException(
            "--candidate-query and --stable-query need --prometheus-address");
      }
      return null;
    }
    return new PairedEvaluation.PrometheusSettings(
        prometheusAddress,
        Duration.ofSeconds(prometheusDelaySeconds),
        Duration.ofSeconds(prometheusTimeoutSeconds),
        LiveQueries.of("candidate", candidateQueries),
        LiveQueries.of("stable", stableQueries));
  }
}
