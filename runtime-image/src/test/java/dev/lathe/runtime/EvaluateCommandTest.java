package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.server.LocalServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The paired evaluation against real servers over loopback: the tiny base model answers, and a
 * server whose model never loads stands in for a candidate that fails every request.
 */
class EvaluateCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKENS = 6;
  private static final int ITEMS = 6;

  static LocalServer first;
  static LocalServer second;
  static LocalServer broken;
  static String answer;

  @TempDir static Path work;

  @BeforeAll
  static void start() throws Exception {
    first = LocalServer.start(4, 16);
    second = LocalServer.start(4, 16);
    broken = LocalServer.loading();
    answer =
        LocalServer.json(
                first.post(
                    "/v1/completions",
                    JSON.createObjectNode()
                        .put("model", LocalServer.MODEL)
                        .put("prompt", "Question:")
                        .put("max_tokens", MAX_TOKENS)
                        .put("temperature", 0)
                        .toString()))
            .at("/choices/0/text")
            .asText();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
    broken.close();
  }

  /** Half the items expect the model's own answer, half a wrong one. */
  private static Path dataset() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < ITEMS; i++) {
      lines
          .append(
              JSON.createObjectNode()
                  .put("prompt", "Question:")
                  .put("completion", i % 2 == 0 ? answer : "certainly not this"))
          .append('\n');
    }
    Path file = work.resolve("eval.jsonl");
    Files.writeString(file, lines);
    return file;
  }

  private static GateReport evaluate(String... args) throws Exception {
    EvaluateCommand command = new EvaluateCommand();
    new CommandLine(command).parseArgs(args);
    return command.evaluate();
  }

  private static String endpoint(LocalServer server) {
    return "http://127.0.0.1:" + server.port + "/v1";
  }

  @Test
  void twoVersionsAskedTheSameItemsGiveAPairedTableWithTimingsAndLiveFigures() throws Exception {
    Path dataset = dataset();

    GateReport report =
        evaluate(
            "--candidate-endpoint", endpoint(first),
            "--stable-endpoint", endpoint(second),
            "--model", LocalServer.MODEL,
            "--dataset", dataset.toUri().toString(),
            "--max-tokens", Integer.toString(MAX_TOKENS),
            "--candidate-pods", "127.0.0.1:" + first.port,
            "--stable-pods", "127.0.0.1:" + second.port);

    assertThat(report.items()).isEqualTo(ITEMS);
    assertThat(report.datasetDigest())
        .isEqualTo(
            "sha256:"
                + HexFormat.of()
                    .formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dataset))));
    // Same model, greedy: the same items right on both sides.
    assertThat(report.accuracy()).isEqualTo(new GateReport.Paired(3, 0, 0, 3));
    assertThat(report.exactMatch().both()).isEqualTo(3);
    assertThat(report.errors()).isEqualTo(new GateReport.Paired(0, 0, 0, ITEMS));
    assertThat(report.candidate().requests()).isEqualTo(ITEMS);
    assertThat(report.candidate().errors()).isZero();
    assertThat(report.candidate().ttftP95Ms())
        .isPositive()
        .isLessThanOrEqualTo(report.candidate().latencyP95Ms());
    assertThat(report.stable().latencyP50Ms()).isPositive();
    // Each server's own /metrics count exactly the evaluation's requests in the window (scrapes
    // and health checks are not generation traffic).
    assertThat(report.candidateLive().podsScraped()).isEqualTo(1);
    assertThat(report.candidateLive().requests()).isEqualTo(ITEMS);
    assertThat(report.candidateLive().errors()).isZero();
    assertThat(report.candidateLive().ttftSamples()).isEqualTo(ITEMS);
    assertThat(report.candidateLive().latencyP95Ms()).isPositive();
    assertThat(report.stableLive().requests()).isEqualTo(ITEMS);
    assertThat(report.note()).isNull();
    assertThat(GateReport.parse(report.toTerminationMessage())).isEqualTo(report);
  }

  @Test
  void aCandidateThatFailsEveryRequestIsWrongOnEveryItemAndCountedAsErrors() throws Exception {
    GateReport report =
        evaluate(
            "--candidate-endpoint", endpoint(broken),
            "--stable-endpoint", endpoint(first),
            "--model", LocalServer.MODEL,
            "--dataset", dataset().toString(),
            "--max-tokens", Integer.toString(MAX_TOKENS),
            "--candidate-pods", "127.0.0.1:" + broken.port + ",127.0.0.1:1");

    assertThat(report.errors()).isEqualTo(new GateReport.Paired(0, ITEMS, 0, 0));
    assertThat(report.accuracy()).isEqualTo(new GateReport.Paired(0, 0, 3, 3));
    assertThat(report.candidate().errors()).isEqualTo(ITEMS);
    assertThat(report.candidate().latencyP95Ms()).isNull();
    assertThat(report.candidateLive().pods()).isEqualTo(2);
    assertThat(report.candidateLive().podsScraped()).isEqualTo(1);
    assertThat(report.candidateLive().errors()).isEqualTo(ITEMS);
    assertThat(report.stableLive()).isNull();
    assertThat(report.note())
        .contains("item 1 candidate: HTTP 503")
        .contains("127.0.0.1:1 not scraped");
  }

  @Test
  void maxSamplesAsksOnlyTheFirstItems() throws Exception {
    GateReport report =
        evaluate(
            "--candidate-endpoint", endpoint(first),
            "--stable-endpoint", endpoint(second),
            "--model", LocalServer.MODEL,
            "--dataset", dataset().toString(),
            "--max-samples", "2",
            "--max-tokens", Integer.toString(MAX_TOKENS));

    assertThat(report.items()).isEqualTo(2);
    assertThat(report.accuracy()).isEqualTo(new GateReport.Paired(1, 0, 0, 1));
    assertThat(report.candidateLive()).isNull();
  }

  @Test
  void prometheusQueriesWithoutAnAddressAreRefused() throws Exception {
    Path dataset = dataset();

    assertThatThrownBy(
            () ->
                evaluate(
                    "--candidate-endpoint", endpoint(first),
                    "--stable-endpoint", endpoint(second),
                    "--model", LocalServer.MODEL,
                    "--dataset", dataset.toString(),
                    "--candidate-query", "requests=sum(x{a=\"b\"})"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--candidate-query and --stable-query need --prometheus-address");
  }

  @Test
  void aMissingDatasetIsRefusedNamingItsLocation() {
    String missing = work.resolve("nowhere.jsonl").toUri().toString();

    assertThatThrownBy(
            () ->
                evaluate(
                    "--candidate-endpoint",
                    endpoint(first),
                    "--stable-endpoint",
                    endpoint(second),
                    "--model",
                    LocalServer.MODEL,
                    "--dataset",
                    missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no evaluation set at " + missing);
  }

  @Test
  void aRunThatCannotEvaluateExitsThreeAndAScoredOneZero() throws Exception {
    int failed =
        new CommandLine(new EvaluateCommand())
            .execute(
                "--candidate-endpoint", endpoint(first),
                "--stable-endpoint", endpoint(second),
                "--model", LocalServer.MODEL,
                "--dataset", work.resolve("absent.jsonl").toString());
    int scored =
        new CommandLine(new EvaluateCommand())
            .execute(
                "--candidate-endpoint",
                endpoint(broken),
                "--stable-endpoint",
                endpoint(second),
                "--model",
                LocalServer.MODEL,
                "--dataset",
                dataset().toString(),
                "--max-samples",
                "1",
                "--max-tokens",
                "2");

    assertThat(failed).isEqualTo(ExitCodes.FAILED);
    assertThat(scored).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aMalformedLineIsRefusedNamingTheLine() throws Exception {
    Path bad = work.resolve("bad.jsonl");
    Files.writeString(
        bad, "{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"question\":1}\n", StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                evaluate(
                    "--candidate-endpoint", endpoint(first),
                    "--stable-endpoint", endpoint(second),
                    "--model", LocalServer.MODEL,
                    "--dataset", bad.toString()))
        .hasMessageContaining(bad + " line 2: expected {\"prompt\", \"completion\"}");
  }
}
