package dev.lathe.cli.sandbox;

import dev.lathe.controlplane.ControlPlaneBinaries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lathe sandbox}: Lathe's whole story on one machine with no cluster. Starts the local
 * control plane and node, and the operator, then plays the story step by step; keeps running for
 * kubectl until Ctrl-C or SIGTERM (or exits with {@code --exit}), and stops every process it
 * started however it ends.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
      "Run Lathe on this machine with no cluster, and play its story step by step.",
      "Starts a local Kubernetes control plane (etcd, kube-apiserver, controller-manager,"
          + " scheduler, Lathe's CRDs), a node whose pods of Lathe's images run as local"
          + " processes, and the operator; then a platform team's and an application team's"
          + " steps, each printed with what to type in another terminal to watch it.",
      "Runs from a built checkout: ./scripts/sandbox.sh builds what is missing and starts it."
    })
public final class SandboxCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--exit", description = "Exit when the story is done (for scripts and CI).")
  boolean exit;

  @Option(
      names = "--no-demo",
      description = "Start the cluster and the operator only; apply examples/ yourself.")
  boolean noDemo;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "Where the kubeconfig, keys, logs and claims go (default: $LATHE_LOCAL_STATE or"
              + " ~/.cache/lathe/local).")
  Path state;

  @Option(
      names = "--gpus",
      defaultValue = "${env:LATHE_LOCAL_GPUS:-2}",
      description =
          "nvidia.com/gpu the local node offers the scheduler (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Narrator narrator = new Narrator(out);
    SandboxLayout layout = SandboxLayout.locate(state);
    List<Path> missing = layout.missingJars();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "not built: "
              + missing
              + ". Build with ./scripts/sandbox.sh (or mvn -B -ntp -DskipTests install -pl"
              + " e2e/control-plane,operator,trainer-image,cli -am)");
    }
    ColdStart.announce(layout, !noDemo, narrator);
    ColdStart.buildControlPlaneIfMissing(layout, narrator);

    List<AutoCloseable> started = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread stop =
        new Thread(
            () -> {
              stopping.set(true);
              stopAll(started, narrator);
              stopped.countDown();
            },
            "lathe-sandbox-stop");
    Runtime.getRuntime().addShutdownHook(stop);

    narrator.phase("starting the local control plane and node (state in " + layout.state() + ")");
    boolean gateway =
        ColdStart.gatewayBuilt(layout) && !"false".equals(System.getenv("LATHE_LOCAL_GATEWAY"));
    LocalCluster cluster = LocalCluster.start(layout, gpus, gateway);
    started.add(cluster);
    narrator.phase("local control plane ready at " + cluster.serverUrl() + " (CRDs installed)");
    narrator.phase("from another terminal:  export KUBECONFIG=" + layout.kubeconfig());
    Optional<String> gatewayUrl = cluster.gatewayUrl(layout);
    gatewayUrl.ifPresent(
        url -> narrator.phase("local gateway (Traefik, Gateway lathe-gateway/lathe) at " + url));
    OperatorProcess operator = OperatorProcess.start(layout, gatewayUrl);
    started.add(operator);
    narrator.phase(
        "operator started (health and metrics on :"
            + operator.port()
            + ", log "
            + operator.process().log()
            + ")");
    Runnable liveness =
        () -> {
          if (stopping.get()) {
            // Ctrl-C reaches the children too: their ending is the stop, not a failure to report.
            awaitQuietly(stopped);
          }
          try {
            cluster.requireAlive();
            operator.process().requireAlive();
          } catch (IllegalStateException ended) {
            // A Ctrl-C to the process group reaches a child as it reaches this JVM, and the child
            // may end before this JVM has begun to stop: give the stop a moment to show first.
            sleepQuietly(Duration.ofSeconds(3));
            if (stopping.get()) {
              awaitQuietly(stopped);
            }
            throw ended;
          }
        };

    if (!noDemo) {
      StoryTarget target = StoryTarget.sandbox(cluster.client(), layout);
      Story.play(Story.today(), new StoryContext(target, narrator, liveness));
    }
    if (exit) {
      narrator.phase("--exit: stopping everything");
      return 0;
    }
    narrator.phase(
        "running until Ctrl-C; try:  kubectl get lathe -A   kubectl lathe status md/"
            + ServeStep.DEPLOYMENT
            + " -n "
            + StoryContext.NAMESPACE);
    while (true) {
      liveness.run();
      Thread.sleep(1000);
    }
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Last started, first stopped; then whatever else this JVM started (a pretraining run, a pod's
   * process the node did not get to), so nothing outlives the sandbox.
   */
  private static void stopAll(List<AutoCloseable> started, Narrator narrator) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        narrator.out().println("lathe sandbox: while stopping: " + e.getMessage());
      }
    }
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    narrator.out().println("==> sandbox stopped; nothing of it is left running");
    narrator.out().flush();
  }

  private static void awaitQuietly(CountDownLatch stopped) {
    try {
      stopped.await();
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the control plane binaries are built (for the cold-start notice). */
  static boolean controlPlaneBuilt(SandboxLayout layout) {
    try {
      ControlPlaneBinaries.locate(layout.controlPlaneGoMod());
      return true;
    } catch (IllegalStateException notBuilt) {
      return false;
    }
  }
}
