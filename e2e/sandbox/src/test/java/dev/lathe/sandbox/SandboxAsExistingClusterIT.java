package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e2e suite's real-cluster mode proved without a real cluster: a sandbox started with {@code
 * --no-demo} (a real kube-apiserver, node, gateway and operator, and no story) is given Lathe's
 * signing key and trust policy with the commands docs/install.md gives a platform team, and is then
 * named by the {@code LATHE_E2E_*} variables as {@link ExistingClusterStoryIT} would be told of a
 * cluster: {@code lathe story} plays there, from outside the sandbox's process, and the same checks
 * run.
 */
class SandboxAsExistingClusterIT {

  private static final Path REPOSITORY = SandboxSignalsIT.repository();

  @TempDir Path state;

  @BeforeAll
  static void needsTheBuiltControlPlane() {
    SandboxSignalsIT.needsTheBuiltControlPlane();
  }

  @Test
  void theStoryPlaysOnASandboxStartedWithoutItAsOnAClusterWhereLatheIsInstalled() throws Exception {
    // The sandbox's state where a user's would be, ~/.cache/lathe/local, below a home of the
    // test's own: the README's session names its kubeconfig and keys by those paths.
    Path home = state.resolve("home");
    Path sandboxState = home.resolve(".cache/lathe/local");
    try (LaunchedSandbox sandbox =
        LaunchedSandbox.start(
            REPOSITORY,
            sandboxState,
            List.of("env", "LATHE_SKIP_BUILD=true", "bash", "scripts/sandbox.sh", "--no-demo"))) {
      sandbox.awaitReady(Duration.ofMinutes(4));
      Path keys = Files.createDirectories(sandboxState.resolve("keys"));
      install(sandbox.kubeconfig(), keys);
      ExistingCluster cluster =
          new ExistingCluster(
              sandbox.kubeconfig(),
              sandboxState.resolve("kubelet/volumes"),
              keys.resolve("signing.pem"),
              keys.resolve("signing.pub"));

      String out = ClusterStory.play(REPOSITORY, cluster, state.resolve("story"));
      System.out.println(out);

      StoryOutput.assertTheWholeStory(out);
      assertThat(out)
          .as("no step of the sandbox's own: the installation's key is used")
          .doesNotContain("signing key (Secret)")
          .contains("==> step 1: the tiny base model");
      ClusterStory.assertWhatAUserSees(cluster);

      String session = runReadmeSession(home);
      assertThat(session)
          .as("the README's session")
          .contains("Canary:     v1 at ")
          .contains("asked to abort the rollout of ModelVersion v1")
          .contains("approved step 0 (pause) of ModelVersion v3")
          .contains("GateVerdict")
          .contains("trained by FineTuneJob demo/v2")
          .contains("base model (no provenance)");
      try (KubernetesClient client = ClusterStory.client(cluster)) {
        GenericKubernetesResource md = ClusterStory.get(client, "ModelDeployment", "tiny-chat");
        assertThat(ClusterStory.condition(md, "RolledBack"))
            .as("after the README's session:\n%s", session)
            .containsEntry("status", "True")
            .containsEntry("reason", "GateFailed");
        assertThat(ClusterStory.condition(md, "Available")).containsEntry("status", "True");
        assertThat(ClusterStory.servedAdapterVersion(md)).as("tiny-copy serves").isEqualTo("v2");
      }
      assertThat(sandbox.process().isAlive())
          .as("the sandbox still runs; its output:\n%s", sandbox.log())
          .isTrue();
    }
  }

  /**
   * The README's kubectl session as a newcomer types it in a second terminal: {@code kubectl} and
   * the CLI linked as its plugin {@code kubectl-lathe} on the PATH, ~ the home the sandbox's state
   * is under. Returns what it printed; fails unless every command succeeded.
   */
  private String runReadmeSession(Path home) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(state.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("kubectl-lathe"), REPOSITORY.resolve("cli/bin/lathe"));
    Path script = state.resolve("readme-session.sh");
    Files.writeString(
        script, ReadmeSession.script(ReadmeSession.commands(REPOSITORY.resolve("README.md"))));
    Path log = state.resolve("readme-session.log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", script.toString())
            .directory(REPOSITORY.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().remove("KUBECONFIG");
    Process process = builder.start();
    boolean ended = process.waitFor(10, TimeUnit.MINUTES);
    process.destroyForcibly();
    String out = Files.readString(log);
    System.out.println(out);
    assertThat(ended).as("the README's session ends within 10 minutes:\n%s", out).isTrue();
    assertThat(process.exitValue()).as("the README's session:\n%s", out).isZero();
    return out;
  }

  /** What a platform team does after installing the operator: docs/install.md's set-up. */
  private void install(Path kubeconfig, Path keys) throws IOException, InterruptedException {
    String pem = keys.resolve("signing.pem").toString();
    String pub = keys.resolve("signing.pub").toString();
    String cli = REPOSITORY.resolve("cli/target/lathe-cli.jar").toString();
    run(
        kubeconfig,
        "java -jar " + cli + " keys generate --private-key " + pem + " --public-key " + pub);
    run(kubeconfig, "kubectl create namespace lathe-system");
    run(
        kubeconfig,
        "kubectl -n lathe-system create secret generic lathe-signing-key"
            + " --from-file=signing-key.pem="
            + pem);
    run(
        kubeconfig,
        "kubectl -n lathe-system create configmap lathe-trust-policy"
            + " --from-file=operator.pem="
            + pub);
  }

  /** Runs a command line (words split at spaces: the test's paths have none), as in a shell. */
  private void run(Path kubeconfig, String commandLine) throws IOException, InterruptedException {
    Path log = state.resolve("install.log");
    ProcessBuilder builder =
        new ProcessBuilder(List.of(commandLine.split(" ")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(commandLine).isTrue();
    assertThat(process.exitValue())
        .as("%s; output:\n%s", commandLine, Files.readString(log))
        .isZero();
  }
}
