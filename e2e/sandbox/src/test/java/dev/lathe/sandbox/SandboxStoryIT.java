package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, {@code ./scripts/sandbox.sh --exit}, played to its end: what a user
 * sees — every step; a better adapter version promoted through its gated canary steps and a worse
 * one rolled back at its first gate, with the gates' figures, while every request an application
 * sent was answered; the conditions the story left; the serving version's lineage verified back to
 * the base — and a published artifact that verifies on its own afterwards, with nothing left
 * running.
 */
class SandboxStoryIT {

  private static final Path REPOSITORY = SandboxSignalsIT.repository();
  private static final Pattern ARTIFACT =
      Pattern.compile("(?m)^ +file://(/\\S+/demo/models/fine-tuned/\\S+/)$");

  @TempDir Path state;

  @BeforeAll
  static void needsTheBuiltControlPlane() {
    SandboxSignalsIT.needsTheBuiltControlPlane();
  }

  @Test
  void theStoryServesV1PromotesV2RollsBackV3WithEveryRequestAnsweredAndVerifiesV2sLineage()
      throws Exception {
    String out;
    List<ProcessHandle> left;
    try (LaunchedSandbox sandbox =
        LaunchedSandbox.start(
            REPOSITORY,
            state,
            List.of("env", "LATHE_SKIP_BUILD=true", "bash", "scripts/sandbox.sh", "--exit"))) {
      boolean ended = sandbox.process().waitFor(35, TimeUnit.MINUTES);
      out = sandbox.log();
      assertThat(ended).as("the story ends within 35 minutes; its output:\n%s", out).isTrue();
      assertThat(sandbox.process().exitValue()).as("exit status; output:\n%s", out).isZero();
      left = sandbox.processGroup().stream().flatMap(p -> ProcessHandle.of(p).stream()).toList();
    }
    // The story as a user saw it, with its step times, for the CI log.
    System.out.println(out);

    StoryOutput.assertTheWholeStory(out);
    assertThat(out)
        .contains("==> step 1: the operator's signing key")
        .contains("==> step 2: the tiny base model")
        .contains("==> step 9: lathe lineage of ModelVersion v2")
        .contains("==> sandbox stopped");
    assertThat(left).as("processes left in its group").isEmpty();

    Matcher artifact = ARTIFACT.matcher(out);
    assertThat(artifact.find()).as("the lineage names the published artifact").isTrue();
    assertThat(verify(Path.of(artifact.group(1))))
        .as("the published artifact verifies with the operator's public key, sandbox gone")
        .isZero();
  }

  private int verify(Path artifact) throws IOException, InterruptedException {
    Process verify =
        new ProcessBuilder(
                "java",
                "-jar",
                REPOSITORY.resolve("cli/target/lathe-cli.jar").toString(),
                "verify",
                artifact.toString(),
                "-k",
                state.resolve("keys/signing.pub").toString())
            .redirectErrorStream(true)
            .redirectOutput(state.resolve("verify.log").toFile())
            .start();
    assertThat(verify.waitFor(2, TimeUnit.MINUTES)).isTrue();
    System.out.println(Files.readString(state.resolve("verify.log")));
    return verify.exitValue();
  }
}
