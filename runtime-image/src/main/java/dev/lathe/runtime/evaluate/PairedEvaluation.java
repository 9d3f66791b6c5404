package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.verify.StoreLocations;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The evaluation gate's run: reads the evaluation set from storage (recording its sha256), asks
 * every item of the candidate's and the stable version's endpoints in one window ({@link
 * PairedRun}), scrapes each version's pods' own /metrics when the window opens and closes ({@link
 * LiveWindow}), and sums it up as a {@link GateReport}.
 */
public final class PairedEvaluation {

  /**
   * What to evaluate, as the {@code evaluate} command's flags give it.
   *
   * @param candidateEndpoint the candidate's base URL, e.g. http://md-v2:8000/v1
   * @param stableEndpoint the stable version's base URL
   * @param candidateModel the candidate requests' model field
   * @param stableModel the stable requests' model field
   * @param dataset s3://BUCKET/KEY, pvc://CLAIM/PATH, file:///PATH or a path
   * @param maxSamples ask at most this many items, or null for all
   * @param maxTokens each answer's token budget
   * @param concurrency items in flight at once (each asks both versions)
   * @param requestTimeout per request
   * @param candidatePods HOST:PORT of each candidate pod, for the live figures
   * @param stablePods HOST:PORT of each stable pod
   * @param liveWindow the least time between the live scrapes
   * @param awaitPods HOST:PORT of each pod that must serve both model fields before scoring
   * @param awaitTimeout how long to wait for them
   * @param prometheus where to query the live figures, or null for the pods' scrapes only
   */
  public record Settings(
      String candidateEndpoint,
      String stableEndpoint,
      String candidateModel,
      String stableModel,
      String dataset,
      Integer maxSamples,
      int maxTokens,
      int concurrency,
      Duration requestTimeout,
      List<String> candidatePods,
      List<String> stablePods,
      Duration liveWindow,
      List<String> awaitPods,
      Duration awaitTimeout,
      PrometheusSettings prometheus) {

    public Settings {
      awaitPods = List.copyOf(awaitPods);
    }

    /** Settings without pods to await. */
    public Settings(
        String candidateEndpoint,
        String stableEndpoint,
        String candidateModel,
        String stableModel,
        String dataset,
        Integer maxSamples,
        int maxTokens,
        int concurrency,
        Duration requestTimeout,
        List<String> candidatePods,
        List<String> stablePods,
        Duration liveWindow) {
      this(
          candidateEndpoint,
          stableEndpoint,
          candidateModel,
          stableModel,
          dataset,
          maxSamples,
          maxTokens,
          concurrency,
          requestTimeout,
          candidatePods,
          stablePods,
          liveWindow,
          List.of(),
          Duration.ZERO,
          null);
    }
  }

  /**
   * The Prometheus to take the live figures from.
   *
   * @param address its base URL
   * @param delay how long after the window closes to query (at least a scrape interval)
   * @param timeout per query
   * @param candidate the candidate's queries
   * @param stable the stable version's queries
   */
  public record PrometheusSettings(
      String address,
      Duration delay,
      Duration timeout,
      LiveQueries candidate,
      LiveQueries stable) {}

  private PairedEvaluation() {}

  /**
   * @throws IllegalArgumentException when the set is missing, too large or has a malformed line
   */
  public static GateReport run(Settings settings, StoreLocations stores)
      throws IOException, InterruptedException {
    EvaluationSet set = EvaluationSet.read(settings.dataset(), stores, settings.maxSamples());
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    ServedModels.await(
        client,
        settings.awaitPods(),
        List.of(settings.candidateModel(), settings.stableModel()),
        settings.awaitTimeout());
    StreamingAsk candidate =
        new StreamingAsk(
            client,
            settings.candidateEndpoint(),
            settings.candidateModel(),
            settings.maxTokens(),
            settings.requestTimeout());
    StreamingAsk stable =
        new StreamingAsk(
            client,
            settings.stableEndpoint(),
            settings.stableModel(),
            settings.maxTokens(),
            settings.requestTimeout());
    LiveWindow candidateLive = new LiveWindow(client, settings.candidatePods());
    LiveWindow stableLive = new LiveWindow(client, settings.stablePods());
    PrometheusWindow queried =
        settings.prometheus() == null
            ? null
            : new PrometheusWindow(
                new PrometheusApi(
                    client, settings.prometheus().address(), settings.prometheus().timeout()),
                settings.prometheus().candidate(),
                settings.prometheus().stable(),
                settings.prometheus().delay());
    // First, so that the range Prometheus is asked about spans the pods' scrapes too.
    if (queried != null) {
      queried.open();
    }
    candidateLive.open();
    stableLive.open();
    PairedRun.Result result =
        PairedRun.run(set.examples(), candidate, stable, settings.concurrency());
    long wait = settings.liveWindow().toMillis() - (long) (candidateLive.secondsOpen() * 1000);
    if (wait > 0) {
      Thread.sleep(wait);
    }
    List<String> note = new ArrayList<>(result.firstErrors());
    candidateLive.unscraped().forEach(p -> note.add("candidate pod " + p + " not scraped"));
    stableLive.unscraped().forEach(p -> note.add("stable pod " + p + " not scraped"));
    GateReport.Live candidateFigures = candidateLive.close();
    GateReport.Live stableFigures = stableLive.close();
    GateReport.Prometheus prometheus = queried == null ? null : queried.close();
    return new GateReport(
        GateReport.SCHEMA,
        set.digest(),
        set.examples().size(),
        result.accuracy(),
        result.exactMatch(),
        result.errors(),
        result.candidate(),
        result.stable(),
        candidateFigures,
        stableFigures,
        prometheus,
        note.isEmpty() ? null : String.join("; ", note));
  }
}
