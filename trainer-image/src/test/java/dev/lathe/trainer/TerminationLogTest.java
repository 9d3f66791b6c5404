package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminationLogTest {

  @TempDir Path dir;

  @Test
  void cutsALongMessageUnderKubernetesLimitOnACharacterBoundary() throws Exception {
    Path file = dir.resolve("termination-log");
    String message = "base model s3://m/x: " + "é漢😀".repeat(2000);

    int status =
        new TerminationLog(file, new PrintStream(PrintStream.nullOutputStream())).fail(message);

    assertThat(status).isEqualTo(1);
    byte[] written = Files.readAllBytes(file);
    assertThat(written.length)
        .isLessThanOrEqualTo(TerminationLog.MAX_BYTES)
        .isGreaterThan(TerminationLog.MAX_BYTES - 8);
    String text = new String(written, StandardCharsets.UTF_8);
    assertThat(text)
        .doesNotContain("\uFFFD")
        .startsWith("base model s3://m/x: é漢😀")
        .endsWith(" …");
    assertThat(message).startsWith(text.substring(0, text.length() - 2));
  }

  @Test
  void leavesAShortMessageWhole() {
    assertThat(TerminationLog.truncate("dataset: no object at s3://d/x", 4000))
        .isEqualTo("dataset: no object at s3://d/x");
  }
}
