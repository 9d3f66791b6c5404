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

  private static final Pattern TRAFFIC =
      Pattern.compile(
          "requests for tiny-copy meanwhile: (\\d+) answered \\([^)]*\\), (\\d+) failed");

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

    assertThat(out)
        .contains("==> step 1: the operator's signing key")
        .contains("==> step 2: the tiny base model")
        .contains("==> step 3: LoRA FineTuneJob v1")
        .contains(
            "==> step 4: ModelDeployment tiny-chat serves tiny-base with adapter tiny-copy (v1)")
        .contains("kubectl lathe status md/tiny-chat -n demo --watch")
        // The adapter answers through the gateway and names the digest of the version that
        // answered.
        .containsPattern("→ \"[^\"]*\", system_fingerprint sha256:[0-9a-f]{64}")
        .contains("kubectl lathe status ftj/v1 -n demo --watch")
        // v2, trained on more of the copy task, is promoted through both gated steps.
        .contains("==> step 5: LoRA FineTuneJob v2")
        .contains(
            "==> step 6: ModelDeployment tiny-chat moves adapter tiny-copy from v1 to v2: a canary"
                + " through gated steps (25%, 50%), promoted")
        .contains("kubectl lathe promote md/tiny-chat -n demo")
        .contains("gate of step 1 (v2 vs v1): Passed")
        .contains("gate of step 2 (v2 vs v1): Passed")
        .containsPattern(
            "accuracy: candidate [0-9.]+, stable [0-9.]+, difference [-+][0-9.]+, 95% interval"
                + " \\[[-+][0-9.]+, [-+][0-9.]+\\], maxRegression 0.1 → Passed")
        .containsPattern("promoted: tiny-copy v2 \\(sha256:[0-9a-f]{64}\\) replaced v1")
        .contains("every answer now comes from v2")
        // v3, trained on wrong answers, fails its first gate and is rolled back.
        .contains("==> step 7: LoRA FineTuneJob v3")
        .contains("wrong answers")
        .contains(
            "==> step 8: ModelDeployment tiny-chat moves adapter tiny-copy from v2 to v3: a canary"
                + " through gated steps (25%, 50%), rolled back at its first gate")
        .contains("gate of step 1 (v3 vs v2): Failed")
        .containsPattern(
            "accuracy: candidate [0-9.]+, stable [0-9.]+, difference -[0-9.]+, 95% interval"
                + " \\[-[0-9.]+, -[0-9.]+\\], maxRegression 0.1 → Failed")
        .containsPattern("rolled back at step 1: tiny-copy v3 GateFailed: .*accuracy")
        .contains("RolledBack=True (GateFailed)")
        .contains("Degraded=True (GateFailed)")
        .contains("adapter tiny-copy serves v2 (status.adapters)")
        .doesNotContain("gate of step 2 (v3 vs v2)")
        .containsPattern("ModelDeployment tiny-chat .*RolledBack=True\\(GateFailed\\)")
        .containsPattern("ModelVersion v2 .*Verified=True")
        .containsPattern("ModelVersion v3 .*Verified=True")
        .contains("==> step 9: lathe lineage of ModelVersion v2")
        .containsPattern("FineTuneJob v1 .*Succeeded=True\\(Published\\)")
        .containsPattern("ModelVersion v1 .*Verified=True")
        .containsPattern("ModelVersion tiny-base .*Verified=True")
        .contains("trained by FineTuneJob demo/v2")
        .contains("dataset pvc://datasets/copy-more.jsonl sha256:")
        .containsPattern("└─ file://\\S+/demo/models/tiny-base/")
        .contains("base model (no provenance)")
        .contains("==> sandbox stopped");
    // Both rollouts: an application's requests, every one answered (by the stable version or the
    // canary, never by an error).
    Matcher traffic = TRAFFIC.matcher(out);
    int rollouts = 0;
    while (traffic.find()) {
      rollouts++;
      assertThat(Integer.parseInt(traffic.group(1))).as("requests answered").isPositive();
      assertThat(traffic.group(2)).as("requests failed: %s", traffic.group()).isEqualTo("0");
    }
    assertThat(rollouts).as("traffic counted during both rollouts").isEqualTo(2);
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
