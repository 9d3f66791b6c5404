package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user reads in the story's output wherever it plays (the sandbox, or {@code lathe story} on
 * a cluster where Lathe is installed): every step from the base model on; v1 answering through the
 * endpoint; v2 promoted through both gated steps and v3 rolled back at its first, with the gates'
 * figures, while every request an application sent was answered; the conditions the story left;
 * v2's lineage verified back to the base. Step numbers differ (the sandbox's first step makes the
 * signing key an installed Lathe already has), so they are not asserted here.
 */
final class StoryOutput {

  private static final Pattern TRAFFIC =
      Pattern.compile(
          "requests for tiny-copy meanwhile: (\\d+) answered \\([^)]*\\), (\\d+) failed");

  private StoryOutput() {}

  static void assertTheWholeStory(String out) {
    assertThat(out)
        .containsPattern("==> step \\d: the tiny base model")
        .containsPattern("==> step \\d: LoRA FineTuneJob v1")
        .containsPattern(
            "==> step \\d: ModelDeployment tiny-chat serves tiny-base with adapter tiny-copy"
                + " \\(v1\\)")
        .contains("kubectl lathe status md/tiny-chat -n demo --watch")
        // The adapter answers through the endpoint and names the digest of the version that
        // answered.
        .containsPattern("→ \"[^\"]*\", system_fingerprint sha256:[0-9a-f]{64}")
        .contains("kubectl lathe status ftj/v1 -n demo --watch")
        // v2, trained on more of the copy task, is promoted through both gated steps.
        .containsPattern("==> step \\d: LoRA FineTuneJob v2")
        .containsPattern(
            "==> step \\d: ModelDeployment tiny-chat moves adapter tiny-copy from v1 to v2: a"
                + " canary through gated steps \\(25%, 50%\\), promoted")
        .contains("kubectl lathe promote md/tiny-chat -n demo")
        .contains("gate of step 1 (v2 vs v1): Passed")
        .contains("gate of step 2 (v2 vs v1): Passed")
        .containsPattern(
            "accuracy \\(evaluation\\): candidate [0-9.]+, stable [0-9.]+, difference [-+][0-9.]+, 95% interval"
                + " \\[[-+][0-9.]+, [-+][0-9.]+\\], maxRegression 0.1 → Passed")
        .containsPattern("promoted: tiny-copy v2 \\(sha256:[0-9a-f]{64}\\) replaced v1")
        .contains("every answer now comes from v2")
        // v3, trained on wrong answers, fails its first gate and is rolled back.
        .containsPattern("==> step \\d: LoRA FineTuneJob v3")
        .contains("wrong answers")
        .containsPattern(
            "==> step \\d: ModelDeployment tiny-chat moves adapter tiny-copy from v2 to v3: a"
                + " canary through gated steps \\(25%, 50%\\), rolled back at its first gate")
        .contains("gate of step 1 (v3 vs v2): Failed")
        .containsPattern(
            "accuracy \\(evaluation\\): candidate [0-9.]+, stable [0-9.]+, difference -[0-9.]+, 95% interval"
                + " \\[-[0-9.]+, -[0-9.]+\\], maxRegression 0.1 → Failed")
        .containsPattern("rolled back at step 1: tiny-copy v3 GateFailed: .*accuracy")
        .contains("RolledBack=True (GateFailed)")
        .contains("Degraded=True (GateFailed)")
        .contains("adapter tiny-copy serves v2 (status.adapters)")
        .doesNotContain("gate of step 2 (v3 vs v2)")
        .containsPattern("ModelDeployment tiny-chat .*RolledBack=True\\(GateFailed\\)")
        .containsPattern("ModelVersion v2 .*Verified=True")
        .containsPattern("ModelVersion v3 .*Verified=True")
        .containsPattern("==> step \\d: lathe lineage of ModelVersion v2")
        .containsPattern("FineTuneJob v1 .*Succeeded=True\\(Published\\)")
        .containsPattern("ModelVersion v1 .*Verified=True")
        .containsPattern("ModelVersion tiny-base .*Verified=True")
        .contains("trained by FineTuneJob demo/v2")
        .contains("dataset pvc://datasets/copy-more.jsonl sha256:")
        .containsPattern("└─ file://\\S+/demo/models/tiny-base/")
        .contains("base model (no provenance)");
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
  }
}
