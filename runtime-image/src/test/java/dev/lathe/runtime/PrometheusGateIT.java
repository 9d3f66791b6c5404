package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.server.LocalServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The evaluate command's Prometheus source against a real Prometheus (built from the Go module
 * proxy by e2e/prometheus/build.sh) scraping three real runtime servers every second: two candidate
 * "pods" (one serving, one whose model never loads, so it answers every generation request with
 * 503) and one stable pod, labelled as a PodMonitor would label them. The IT sends a known number
 * of requests to each during the window; the same run's scrapes of the pods' own /metrics count
 * them exactly, which the Prometheus figures are checked against.
 */
class PrometheusGateIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITEMS = 4;
  private static final int MORE_GOOD = 16;
  private static final int FAILING = 10;
  private static final String GENERATION = "endpoint=~\"completions|chat_completions\"";

  @TempDir static Path work;
  static LocalServer candidate;
  static LocalServer brokenCandidate;
  static LocalServer stable;
  static PrometheusServer prometheus;

  @BeforeAll
  static void serveAndScrape() throws Exception {
    Path binary = PrometheusServer.binary(Path.of(System.getProperty("lathe.prometheus.goMod")));
    candidate = LocalServer.start(4, 32);
    brokenCandidate = LocalServer.loading();
    stable = LocalServer.start(4, 32);
    String config =
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: lathe-runtime
            static_configs:
              - targets: ["127.0.0.1:%d", "127.0.0.1:%d"]
                labels: {namespace: demo, lathe_dev_model_version: v2}
              - targets: ["127.0.0.1:%d"]
                labels: {namespace: demo, lathe_dev_model_version: v1}
        """
            .formatted(candidate.port, brokenCandidate.port, stable.port);
    prometheus =
        PrometheusServer.start(binary, work.resolve("prometheus"), config, Duration.ofMinutes(1));
    prometheus.await("sum(up)", 3, Duration.ofSeconds(30));
    // Every series the window is judged on exists before it opens, as on a pod that has served
    // for a while: a counter Prometheus first sees mid-window is missing its first increments.
    complete(candidate, 1);
    complete(brokenCandidate, 1);
    complete(stable, 1);
    prometheus.await("sum(lathe_requests_total{" + GENERATION + "})", 3, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    for (LocalServer server : new LocalServer[] {candidate, brokenCandidate, stable}) {
      if (server != null) {
        server.close();
      }
    }
  }

  private static List<Integer> complete(LocalServer server, int times) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      HttpResponse<String> response =
          server.post(
              "/v1/completions",
              JSON.createObjectNode()
                  .put("model", LocalServer.MODEL)
                  .put("prompt", "Question:")
                  .put("max_tokens", 4)
                  .put("temperature", 0)
                  .toString());
      statuses.add(response.statusCode());
    }
    return statuses;
  }

  private static List<String> queries(String flag, String version) {
    String selector = "namespace=\"demo\",lathe_dev_model_version=\"" + version + "\"";
    String requests =
        "sum(increase(lathe_requests_total{" + selector + "," + GENERATION + "}[{{window}}]))";
    return List.of(
        flag,
        "requests=" + requests,
        flag,
        "liveErrorRate=(sum(increase(lathe_requests_total{"
            + selector
            + ","
            + GENERATION
            + ",status=~\"5..\"}[{{window}}])) or vector(0)) / "
            + requests,
        flag,
        "liveLatencyP95Ms=1000 * histogram_quantile(0.95, sum by (le)"
            + " (increase(lathe_request_duration_seconds_bucket{"
            + selector
            + ","
            + GENERATION
            + "}[{{window}}])))",
        flag,
        "ttftSamples=sum(increase(lathe_time_to_first_token_seconds_count{"
            + selector
            + "}[{{window}}]))",
        flag,
        "liveTtftP95Ms=1000 * histogram_quantile(0.95, sum by (le)"
            + " (increase(lathe_time_to_first_token_seconds_bucket{"
            + selector
            + "}[{{window}}])))");
  }

  @Test
  void theLiveFiguresComeFromPrometheusQueriesAndMatchWhatTheServersCounted() throws Exception {
    Path dataset = work.resolve("eval.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < ITEMS; i++) {
      lines.append("{\"prompt\":\"Question:\",\"completion\":\"whatever\"}\n");
    }
    Files.writeString(dataset, lines);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--candidate-endpoint",
                "http://127.0.0.1:" + candidate.port + "/v1",
                "--stable-endpoint",
                "http://127.0.0.1:" + stable.port + "/v1",
                "--model",
                LocalServer.MODEL,
                "--dataset",
                dataset.toString(),
                "--max-tokens",
                "4",
                "--candidate-pods",
                "127.0.0.1:" + candidate.port + ",127.0.0.1:" + brokenCandidate.port,
                "--stable-pods",
                "127.0.0.1:" + stable.port,
                "--live-window-seconds",
                "12",
                "--prometheus-address",
                prometheus.address,
                "--prometheus-delay-seconds",
                "3"));
    args.addAll(queries("--candidate-query", "v2"));
    List<String> stableQueries = new ArrayList<>(queries("--stable-query", "v1"));
    // Two of stable's queries are wrong on purpose: one matches no series (no data), one is not
    // PromQL (Prometheus refuses it); the other figures must survive both.
    stableQueries.set(
        7,
        "ttftSamples=sum(lathe_time_to_first_token_seconds_count{lathe_dev_model_version=\"v9\"})");
    stableQueries.set(9, "liveTtftP95Ms=histogram_quantile(0.95, sum by (le) (");
    args.addAll(stableQueries);
    EvaluateCommand command = new EvaluateCommand();
    new CommandLine(command).parseArgs(args.toArray(String[]::new));

    // The rest of the window's traffic, sent while the evaluation's window is open and well
    // inside it (its items go first), so no request falls between two scrapes at an edge.
    CompletableFuture<List<Integer>> traffic =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Thread.sleep(3_000);
                List<Integer> statuses = new ArrayList<>(complete(candidate, MORE_GOOD));
                statuses.addAll(complete(brokenCandidate, FAILING));
                return statuses;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    GateReport report = command.evaluate();
    List<Integer> statuses = traffic.join();

    assertThat(statuses.subList(0, MORE_GOOD)).containsOnly(200);
    assertThat(statuses.subList(MORE_GOOD, MORE_GOOD + FAILING)).containsOnly(503);
    // The pods' own counters, scraped by the Job at both ends of the window: exact.
    long sent = ITEMS + MORE_GOOD + FAILING;
    assertThat(report.candidateLive().requests()).isEqualTo(sent);
    assertThat(report.candidateLive().errors()).isEqualTo(FAILING);
    assertThat(report.stableLive().requests()).isEqualTo(ITEMS);

    GateReport.Prometheus answers = report.prometheus();
    System.out.println(
        "pods' scrapes: candidate "
            + report.candidateLive()
            + ", stable "
            + report.stableLive()
            + "; Prometheus: "
            + answers);
    assertThat(answers.address()).isEqualTo(prometheus.address);
    // {{window}}: the live window and the delay, in whole seconds rounded up.
    assertThat(Integer.parseInt(answers.window().replace("s", ""))).isGreaterThanOrEqualTo(15);
    GateReport.Queried c = answers.candidate();
    assertThat(c.requests().query())
        .isEqualTo(
            "sum(increase(lathe_requests_total{namespace=\"demo\",lathe_dev_model_version=\"v2\","
                + GENERATION
                + "}["
                + answers.window()
                + "]))");
    // increase() extrapolates the counters' change from the first and last scrape in the range
    // to its ends, so over a 15 s range scraped every second it can be up to 2/13 more than the
    // change; the evaluation's own first items may fall before the range's first scrape.
    assertThat(c.requests().value()).isBetween(sent * 0.85, sent * 1.2);
    assertThat(c.errorRate().value()).isCloseTo((double) FAILING / sent, within(0.06));
    assertThat(c.latencyP95Ms().value())
        .isCloseTo(report.candidateLive().latencyP95Ms(), withinPercentage(30));
    assertThat(c.ttftSamples().value())
        .isBetween(
            report.candidateLive().ttftSamples() * 0.85,
            report.candidateLive().ttftSamples() * 1.2);
    assertThat(c.ttftP95Ms().value()).isPositive();

    GateReport.Queried s = answers.stable();
    assertThat(s.requests().value()).isBetween(ITEMS * 0.75, ITEMS * 1.25);
    // No 5xx series at all for stable: the rate is 0, not no data.
    assertThat(s.errorRate().value()).isZero();
    assertThat(s.latencyP95Ms().value()).isPositive();
    assertThat(s.ttftSamples().noData()).isEqualTo("the query matched no series (an empty vector)");
    assertThat(s.ttftP95Ms().value()).isNull();
    assertThat(s.ttftP95Ms().error())
        .startsWith("Prometheus refused the query (HTTP 400, bad_data)")
        .contains("parse error");
    assertThat(GateReport.parse(report.toTerminationMessage()).prometheus()).isEqualTo(answers);
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }

  private static org.assertj.core.data.Percentage withinPercentage(double percent) {
    return org.assertj.core.data.Percentage.withPercentage(percent);
  }
}
