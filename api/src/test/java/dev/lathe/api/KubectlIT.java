package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ProjectLayout;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real kubectl applies the examples, lists them by category and explains every field. */
@ExtendWith(ControlPlaneExtension.class)
class KubectlIT {

  private record Result(int exitCode, String output) {}

  private static Result kubectl(LocalControlPlane plane, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", plane.kubeconfig().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void kubectlAppliesTheExamplesAndListsThemUnderTheLatheCategory(LocalControlPlane plane)
      throws Exception {
    assertThat(kubectl(plane, "create", "namespace", "ml-platform").exitCode()).isZero();

    Result applied = kubectl(plane, "apply", "-f", ProjectLayout.examples().toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output())
        .contains("finetunejob.lathe.dev/support-bot-v3 created")
        .contains("modelversion.lathe.dev/llama-3-1-8b-instruct created")
        .contains("modeldeployment.lathe.dev/support-bot created")
        .contains("modeldeployment.lathe.dev/llama-multi-tenant created");

    Result listed = kubectl(plane, "get", "lathe", "-n", "ml-platform");
    assertThat(listed.exitCode()).as(listed.output()).isZero();
    assertThat(listed.output())
        .contains("finetunejob.lathe.dev/support-bot-v3")
        .contains("modelversion.lathe.dev/llama-3-1-8b-instruct")
        .contains("modeldeployment.lathe.dev/support-bot");

    // At a glance, one STATUS (the Ready roll-up's reason); the conditions behind it with -o wide.
    Result jobs = kubectl(plane, "get", "ftj", "-n", "ml-platform");
    assertThat(jobs.output().lines().findFirst())
        .hasValueSatisfying(
            header ->
                assertThat(header)
                    .contains("STATUS", "PROGRESS%", "LOSS", "MODELVERSION")
                    .doesNotContain("ACCEPTED"));
    Result wide = kubectl(plane, "get", "ftj", "-n", "ml-platform", "-o", "wide");
    assertThat(wide.output().lines().findFirst())
        .hasValueSatisfying(
            header -> assertThat(header).contains("STATUS", "ACCEPTED", "RUNNING", "SUCCEEDED"));
    Result deployments = kubectl(plane, "get", "md", "-n", "ml-platform");
    assertThat(deployments.output().lines().findFirst())
        .hasValueSatisfying(
            header ->
                assertThat(header)
                    .contains("STABLE", "CANARY", "WEIGHT", "STEP", "READY", "ENDPOINT", "STATUS"));
  }

  @Test
  void kubectlExplainShowsTheFieldDescriptions(LocalControlPlane plane) throws Exception {
    Result explained = kubectl(plane, "explain", "finetunejob.spec.method");

    assertThat(explained.exitCode()).as(explained.output()).isZero();
    assertThat(explained.output())
        .contains("method is required: how the weights are trained")
        .contains("rank is optional: the rank r of each LoRA adapter")
        .contains("type is required: lora trains low-rank adapters");
  }

  @Test
  void kubectlRefusesAnInvalidManifestWithTheRuleMessage(LocalControlPlane plane) throws Exception {
    Result refused =
        kubectl(
            plane,
            "apply",
            "-f",
            ProjectLayout.root()
                .resolve("api/src/test/resources/invalid/md-weights-descending.yaml")
                .toString());

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output())
        .contains("spec.rollout.steps")
        .contains("canary step weights must be strictly ascending");
  }
}
