package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.controlplane.ControlPlaneBinaries;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local sandbox ({@code lathe sandbox} through its scripts), started as a user starts it (with
 * {@code --no-demo}), stopped by a signal once its API server answers and its operator listens:
 * nothing it started may be left running — not by the pids it had, not in its process group, not on
 * its ports.
 */
class SandboxSignalsIT {

  private static final Path REPOSITORY = repository();

  @TempDir Path state;

  @BeforeAll
  static void needsTheBuiltControlPlane() {
    try {
      ControlPlaneBinaries.locate(REPOSITORY.resolve("e2e/control-plane/go.mod"));
    } catch (IllegalStateException notBuilt) {
      Assumptions.abort("skipped: " + notBuilt.getMessage());
    }
    for (String jar :
        List.of(
            "operator/target/lathe-operator.jar",
            "trainer-image/target/lathe-trainer.jar",
            "runtime-image/target/lathe-runtime.jar",
            "cli/target/lathe-cli.jar")) {
      Assumptions.assumeTrue(
          Files.isRegularFile(REPOSITORY.resolve(jar)),
          "skipped: " + jar + " is not built (mvn -DskipTests install builds it)");
    }
  }

  @Test
  void sigtermToRunOperatorShStopsTheOperatorTheNodeAndTheWholeControlPlane() {
    stopsEverythingOn(
        List.of(
            "env",
            "LATHE_SKIP_BUILD=true",
            "bash",
            "scripts/run-operator.sh",
            "--local",
            "--no-demo"),
        sandbox -> sandbox.signalProcess("TERM"),
        143);
  }

  @Test
  void ctrlCOnTheSandboxsProcessGroupStopsTheOperatorTheNodeAndTheWholeControlPlane() {
    stopsEverythingOn(
        List.of("env", "LATHE_SKIP_BUILD=true", "bash", "scripts/sandbox.sh", "--no-demo"),
        sandbox -> sandbox.signalGroup("INT"),
        130);
  }

  private void stopsEverythingOn(
      List<String> command, Consumer<LaunchedSandbox> signal, int expectedExit) {
    try (LaunchedSandbox sandbox = LaunchedSandbox.start(REPOSITORY, state, command)) {
      sandbox.awaitReady(Duration.ofMinutes(4));
      URI apiServer = sandbox.apiServer();
      List<ProcessHandle> started = sandbox.processTree();
      assertThat(started.stream().map(p -> p.info().command().orElse("?")))
          .as("the sandbox's processes")
          .anyMatch(c -> c.endsWith("/etcd"))
          .anyMatch(c -> c.endsWith("/kube-apiserver"))
          .anyMatch(c -> c.endsWith("/kube-controller-manager"))
          .anyMatch(c -> c.endsWith("/kube-scheduler"));

      signal.accept(sandbox);

      // A functional bound, not a speed target: at a load of 2 it ends within seconds, but with
      // other builds on the same 2 cores stopping every process once took over two minutes.
      assertThat(waitFor(sandbox.process(), Duration.ofMinutes(4)))
          .as("the sandbox ends with the signal's status; its output:\n%s", sandbox.log())
          .isEqualTo(expectedExit);
      await("every process the sandbox started has ended")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(started.stream().filter(ProcessHandle::isAlive))
                      .as("processes left running")
                      .isEmpty());
      assertThat(sandbox.processGroup()).as("processes left in its group").isEmpty();
      assertThat(LaunchedSandbox.listening(apiServer.getPort()))
          .as("the API server's port is closed")
          .isFalse();
      assertThat(sandbox.operatorListening()).as("the operator's port is closed").isFalse();
    }
  }

  private static int waitFor(Process process, Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path repository() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("crds"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root (crds/) above the working directory");
    }
    return dir;
  }
}
