package dev.lathe.artifact.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GateReportTest {

  static GateReport report(String note) {
    return new GateReport(
        GateReport.SCHEMA,
        "sha256:" + "ab".repeat(32),
        40,
        new GateReport.Paired(30, 2, 5, 3),
        new GateReport.Paired(20, 1, 4, 15),
        new GateReport.Paired(0, 1, 0, 39),
        new GateReport.Requests(40, 1, 120.5, 300.0, 45.0),
        new GateReport.Requests(40, 0, 110.0, 280.0, 40.0),
        new GateReport.Live(2, 2, 61.5, 500, 3, 250.0, 480, 50.0),
        null,
        null,
        note);
  }

  @Test
  void aReportSurvivesTheTerminationMessageUnchanged() {
    GateReport report = report("example 3: HTTP 503");

    assertThat(GateReport.parse(report.toTerminationMessage())).isEqualTo(report);
  }

  @Test
  void aLongNoteIsCutSoTheMessageFitsKubernetesLimit() {
    GateReport report = report("x".repeat(10_000));

    String message = report.toTerminationMessage();

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(GateReport.MAX_BYTES);
    GateReport read = GateReport.parse(message);
    assertThat(read.accuracy()).isEqualTo(report.accuracy());
    assertThat(read.note()).startsWith("xxxx").hasSizeLessThan(4096);
  }

  private static GateReport.Queried queried(String selector) {
    return new GateReport.Queried(
        GateReport.Figure.of("sum(increase(lathe_requests_total{" + selector + "}[95s]))", 412.3),
        GateReport.Figure.noData("rate{" + selector + "}", "the query's value is NaN"),
        GateReport.Figure.of("p95{" + selector + "}", 180.5),
        GateReport.Figure.error("ttft_count{" + selector + "}", "x".repeat(1000)),
        GateReport.Figure.of("ttft{" + selector + "}", 42.0));
  }

  private static GateReport withPrometheus(String selector, String note) {
    return report(note)
        .withPrometheus(
            new GateReport.Prometheus(
                "http://prometheus.monitoring.svc:9090",
                "2026-12-02T01:00:00Z",
                "95s",
                queried(selector + ",v=\"v2\""),
                queried(selector + ",v=\"v1\""),
                false));
  }

  @Test
  void prometheusFiguresSurviveTheTerminationMessageWithTheirQueriesAndCutErrors() {
    GateReport report = withPrometheus("namespace=\"ml\"", null);

    GateReport read = GateReport.parse(report.toTerminationMessage());

    assertThat(read).isEqualTo(report);
    assertThat(read.prometheus().candidate().requests().query())
        .isEqualTo("sum(increase(lathe_requests_total{namespace=\"ml\",v=\"v2\"}[95s]))");
    assertThat(read.prometheus().candidate().ttftSamples().error())
        .hasSize(GateReport.Figure.MESSAGE_LIMIT + 1)
        .endsWith("…");
  }

  @Test
  void queriesTooLongForTheMessageAreLeftOutAfterTheNoteButTheFiguresStay() {
    GateReport report = withPrometheus("a=\"" + "q".repeat(400) + "\"", "y".repeat(500));

    String message = report.toTerminationMessage();
    GateReport read = GateReport.parse(message);

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(GateReport.MAX_BYTES);
    assertThat(read.note()).isNull();
    assertThat(read.prometheus().queriesOmitted()).isTrue();
    assertThat(read.prometheus().candidate().requests().query()).isNull();
    assertThat(read.prometheus().candidate().requests().value()).isEqualTo(412.3);
    assertThat(read.prometheus().stable().errorRate().noData())
        .isEqualTo("the query's value is NaN");
  }

  @Test
  void aFigureIsExactlyOneOfAValueNoDataOrAnError() {
    assertThatThrownBy(() -> new GateReport.Figure("up", 1.0, null, "down"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a figure is exactly one of a value, no data or an error, not 2");
    assertThatThrownBy(() -> GateReport.Figure.of("up", Double.NaN))
        .hasMessage("a figure's value must be finite (NaN is no data)");
  }

  @Test
  void aMessageWithoutThePrefixIsRefusedSayingSo() {
    assertThatThrownBy(() -> GateReport.parse("evaluate failed: no dataset"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not start with \"lathe-gate-report\"");
  }

  @Test
  void truncatedJsonIsRefusedAsNotValidJson() {
    String message = report(null).toTerminationMessage();

    assertThatThrownBy(() -> GateReport.parse(message.substring(0, message.length() - 20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void countsThatDoNotAddUpToTheItemsAreRefused() {
    String message = report(null).toTerminationMessage().replace("\"items\":40", "\"items\":41");

    assertThatThrownBy(() -> GateReport.parse(message))
        .hasMessageContaining("do not add up to its 41 items");
  }

  @Test
  void anotherSchemaIsRefusedNamingBoth() {
    String message = report(null).toTerminationMessage().replace("\"schema\":1", "\"schema\":7");

    assertThatThrownBy(() -> GateReport.parse(message))
        .hasMessageContaining("schema 7, this operator reads 1");
  }

  @Test
  void sharesAreTheMarginalsOfThePairedTable() {
    GateReport.Paired paired = new GateReport.Paired(30, 2, 5, 3);

    assertThat(paired.candidateShare()).isEqualTo(32 / 40.0);
    assertThat(paired.stableShare()).isEqualTo(35 / 40.0);
    assertThat(new GateReport.Paired(0, 0, 0, 0).candidateShare()).isNaN();
  }
}
