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
