package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.ExitCodes;
import dev.lathe.runtime.StoreOptions;
import dev.lathe.runtime.TerminationLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: the evaluation gate's Job. It reads the evaluation set from storage (recording
 * its sha256), asks every item of the candidate's and the stable version's endpoints in one window
 * (interleaved, greedy, streaming, so latency and time to first token come with each answer),
 * scrapes each version's pods' own /metrics when the window opens and closes, and writes a {@link
 * GateReport} to the termination log (and stdout). Exit 0 when it ran, whatever the scores: the
 * operator's gate decides. Exit 3 with the reason in the termination log when it could not run (no
 * dataset, a malformed line).
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Score a candidate and a stable endpoint on the same evaluation set in one window, with"
            + " their pods' live metrics; write the gate report to the termination log.")
public final class EvaluateCommand implements Callable<Integer> {

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
      names = "--live-window-seconds",
      defaultValue = "0",
      description = "Keep the live window open at least this long (the step's window).")
  long liveWindowSeconds;

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
    EvaluationSet set = EvaluationSet.read(dataset, store.locations(), maxSamples);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    StreamingAsk candidate =
        new StreamingAsk(client, candidateEndpoint, or(candidateModel, model), maxTokens, timeout);
    StreamingAsk stable =
        new StreamingAsk(client, stableEndpoint, or(stableModel, model), maxTokens, timeout);
    LiveWindow candidateLive = new LiveWindow(client, candidatePods);
    LiveWindow stableLive = new LiveWindow(client, stablePods);
    candidateLive.open();
    stableLive.open();
    PairedRun.Result result = PairedRun.run(set.examples(), candidate, stable, concurrency);
    long wait = (long) (liveWindowSeconds * 1000 - candidateLive.secondsOpen() * 1000);
    if (wait > 0) {
      Thread.sleep(wait);
    }
    List<String> note = new ArrayList<>(result.firstErrors());
    candidateLive.unscraped().forEach(p -> note.add("candidate pod " + p + " not scraped"));
    stableLive.unscraped().forEach(p -> note.add("stable pod " + p + " not scraped"));
    return new GateReport(
        GateReport.SCHEMA,
        set.digest(),
        set.examples().size(),
        result.accuracy(),
        result.exactMatch(),
        result.errors(),
        result.candidate(),
        result.stable(),
        candidateLive.close(),
        stableLive.close(),
        note.isEmpty() ? null : String.join("; ", note));
  }

  private static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
