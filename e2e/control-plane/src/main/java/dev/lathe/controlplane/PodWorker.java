package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pod from admission to its end: init containers one after the other, then the containers
 * side by side, each restarted as the pod's restartPolicy says, the status reported after every
 * change. When the pod is deleted it stops the processes within the grace period and then deletes
 * the pod for good, as a kubelet confirms a deletion.
 */
final class PodWorker {

  /** What every pod on the node shares. */
  record Node(
      KubernetesClient client,
      String name,
      ImageResolver images,
      Path root,
      URI apiServer,
      String hostIp,
      ExecutorService threads,
      ProbeCheck probes) {}

  private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
  // Tests and local runs should not wait half a minute for a process that ignores SIGTERM.
  static final Duration MAX_GRACE = Duration.ofSeconds(10);
  private static final Duration CONFIG_RETRY = Duration.ofSeconds(2);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Node node;
  private final Pod pod;
  private final String podIp;
  private final PodRunState state;
  private final PodStatusWriter writer;
  private final PodSandbox sandbox;
  private final Map<String, ContainerProcess> running = new ConcurrentHashMap<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicBoolean deleted = new AtomicBoolean();
  private volatile Duration grace = MAX_GRACE;
  // Set when the pod object is gone or the kubelet closes: the API is no longer told anything.
  private volatile boolean abandoned;
  private volatile Map<String, Path> volumes = Map.of();

  PodWorker(Node node, Pod pod) {
    this.node = node;
    this.pod = pod;
    this.podIp = LoopbackAddresses.next(declaredPorts(pod));
    this.state = new PodRunState(pod, podIp, node.hostIp());
    this.writer = new PodStatusWriter(node.client(), pod);
    this.sandbox = PodSandbox.create(node.root(), pod);
  }

  /** The container ports the pod says it listens on. */
  private static List<Integer> declaredPorts(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getPorts() != null)
        .flatMap(c -> c.getPorts().stream())
        .map(io.fabric8.kubernetes.api.model.ContainerPort::getContainerPort)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  void start() {
    node.threads().execute(this::run);
  }

  PodSandbox sandbox() {
    return sandbox;
  }

  /** A ConfigMap was created or changed: the pod's volumes of it follow, while the pod runs. */
  void configMapChanged(io.fabric8.kubernetes.api.model.ConfigMap configMap) {
    Map<String, Path> mounted = volumes;
    if (mounted.isEmpty()
        || stopping()
        || !pod.getMetadata().getNamespace().equals(configMap.getMetadata().getNamespace())
        || !PodVolumes.mounts(pod, configMap.getMetadata().getName())) {
      return;
    }
    int changed = new PodVolumes(node.client(), node.root()).refresh(pod, mounted, configMap);
    if (changed > 0) {
      LOG.info(
          "pod {}: {} file(s) of configmap {} updated",
          key(),
          changed,
          configMap.getMetadata().getName());
    }
  }

  List<ProcessHandle> processes() {
    return running.values().stream().flatMap(p -> p.handles().stream()).toList();
  }

  /**
   * The pod is being deleted: no container starts or restarts any more, running ones get SIGTERM
   * and, after {@code graceSeconds} (at most {@link #MAX_GRACE}), SIGKILL. Once they are gone the
   * pod is deleted with grace period 0.
   */
  void stop(Long graceSeconds) {
    List<ContainerProcess> toStop;
    synchronized (this) {
      if (stopRequested.getCount() == 0) {
        return;
      }
      long seconds = graceSeconds == null ? MAX_GRACE.toSeconds() : graceSeconds;
      grace = Duration.ofSeconds(Math.max(0, Math.min(seconds, MAX_GRACE.toSeconds())));
      stopRequested.countDown();
      toStop = List.copyOf(running.values());
    }
    if (done.getCount() == 0) {
      deleteFromApi();
      return;
    }
    for (ContainerProcess process : toStop) {
      node.threads().execute(() -> process.stop(grace));
    }
  }

  /** Stops the processes without telling the API server anything; waits until they are gone. */
  void abandon(Duration stopGrace) {
    abandoned = true;
    List<ContainerProcess> toStop;
    synchronized (this) {
      stopRequested.countDown();
      toStop = List.copyOf(running.values());
    }
    List<Thread> stoppers = new ArrayList<>();
    for (ContainerProcess process : toStop) {
      Thread t = new Thread(() -> process.stop(stopGrace), "lathe-kubelet-stop-" + process.pid());
      t.setDaemon(true);
      t.start();
      stoppers.add(t);
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Last resort from the JVM shutdown hook: SIGKILL, no waiting. */
  void kill() {
    abandoned = true;
    stopRequested.countDown();
    running.values().forEach(ContainerProcess::kill);
  }

  private boolean stopping() {
    return stopRequested.getCount() == 0;
  }

  private void run() {
    try {
      Optional<String> unrunnable = firstUnrunnableImage();
      if (unrunnable.isPresent()) {
        state.phase("Failed", "ImageNotRunnable", unrunnable.get());
        return;
      }
      Optional<String> unsupportedProbe = firstUnsupportedProbe();
      if (unsupportedProbe.isPresent()) {
        state.phase("Failed", "ProbeNotSupported", unsupportedProbe.get());
        return;
      }
      volumes = awaitVolumes();
      if (volumes == null) {
        state.phase("Failed", null, null);
        return;
      }
      report();
      List<Container> init =
          pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
      for (Container container : init) {
        Integer exit = runContainer(container, true);
        if (exit == null || exit != 0) {
          state.phase("Failed", null, null);
          return;
        }
      }
      runContainers();
      state.phase(finalPhase(), null, null);
    } catch (RuntimeException e) {
      LOG.error("pod {}: the local kubelet failed to run it", key(), e);
      state.phase("Failed", "LocalKubeletError", e.toString());
    } finally {
      report();
      done.countDown();
      if (stopping()) {
        deleteFromApi();
      }
    }
  }

  private Optional<String> firstUnrunnableImage() {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    for (Container container : all) {
      if (node.images().commandLine(container).isEmpty()) {
        String message =
            "image \""
                + container.getImage()
                + "\" of container \""
                + container.getName()
                + "\" cannot run as a local process on node "
                + node.name()
                + ": the local kubelet's ImageResolver has no command line for it";
        state.terminated(
            container.getName(), 128, "ImageNotRunnable", message, null, Instant.now(), null);
        return Optional.of(message);
      }
    }
    return Optional.empty();
  }

  /** The first probe the local node cannot run, as a message; empty when all can run. */
  private Optional<String> firstUnsupportedProbe() {
    for (Container container : pod.getSpec().getContainers()) {
      for (var probe :
          new io.fabric8.kubernetes.api.model.Probe[] {
            container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe()
          }) {
        Optional<String> why = ProbeCheck.unsupported(probe);
        if (why.isPresent()) {
          String message = "container \"" + container.getName() + "\": " + why.get();
          state.waiting(container.getName(), "ProbeNotSupported", message);
          return Optional.of(message);
        }
      }
    }
    return Optional.empty();
  }

  /** The pod's volume directories; null when the pod was deleted while a source was missing. */
  private Map<String, Path> awaitVolumes() {
    PodVolumes podVolumes = new PodVolumes(node.client(), node.root());
    while (!stopping()) {
      try {
        return podVolumes.materialize(pod, sandbox, podIp, node.hostIp());
      } catch (ContainerConfigException e) {
        configError(e);
      }
    }
    return null;
  }

  private void configError(ContainerConfigException e) {
    for (Container c : pod.getSpec().getContainers()) {
      state.waiting(c.getName(), "CreateContainerConfigError", e.getMessage());
    }
    report();
    awaitStop(CONFIG_RETRY);
  }

  private void runContainers() throws RuntimeException {
    List<Future<Integer>> runs = new ArrayList<>();
    for (Container container : pod.getSpec().getContainers()) {
      runs.add(node.threads().submit(() -> runContainer(container, false)));
    }
    for (Future<Integer> run : runs) {
      try {
        run.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String finalPhase() {
    for (String container : state.containerNames()) {
      Integer exit = state.exitCode(container);
      if (exit == null || exit != 0) {
        return "Failed";
      }
    }
    return "Succeeded";
  }

  /** Runs the container, restarting it as the restartPolicy says; its last exit code, if it ran. */
  private Integer runContainer(Container container, boolean init) {
    String name = container.getName();
    String policy =
        pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    Duration backoff = FIRST_BACKOFF;
    Integer last = null;
    while (!stopping()) {
      ContainerLaunch launch;
      try {
        Map<String, String> env =
            new ContainerEnvironment(node.client()).resolve(pod, container, podIp, node.hostIp());
        launch =
            ContainerLaunch.prepare(
                    pod, container, env, volumes, sandbox, node.images(), node.apiServer())
                .orElseThrow(
                    () -> new IllegalStateException("image of " + name + " no longer resolves"));
      } catch (ContainerConfigException e) {
        state.waiting(name, "CreateContainerConfigError", e.getMessage());
        report();
        awaitStop(CONFIG_RETRY);
        continue;
      }
      int exit = runOnce(container, launch, init);
      last = exit;
      boolean restart =
          switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> exit != 0;
            default -> !init || exit != 0;
          };
      if (!restart || stopping()) {
        return last;
      }
      state.restarting(name, "CrashLoopBackOff");
      report();
      awaitStop(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
    return last;
  }

  private int runOnce(Container container, ContainerLaunch launch, boolean init) {
    String name = container.getName();
    Path terminationFile = sandbox.terminationMessageFile(name);
    ContainerProcess process;
    String startError = null;
    synchronized (this) {
      if (stopping()) {
        return state.exitCode(name) == null ? 137 : state.exitCode(name);
      }
      try {
        // A fresh, empty file per run, as a kubelet mounts a fresh one into each container.
        Files.writeString(terminationFile, "");
        process = ContainerProcess.start(launch, sandbox.log(name));
        running.put(name, process);
      } catch (IOException e) {
        process = null;
        startError = "cannot start " + launch.command().get(0) + ": " + e.getMessage();
      }
    }
    if (process == null) {
      state.terminated(name, 128, "StartError", startError, null, Instant.now(), null);
      report();
      return 128;
    }
    if (!init) {
      state.phase("Running", null, null);
    }
    boolean probed =
        !init && (container.getStartupProbe() != null || container.getReadinessProbe() != null);
    state.running(name, process, probed);
    report();
    ContainerProbes probes = init ? null : startProbes(container, process);
    int exit;
    try {
      exit = process.waitFor();
      process.awaitStopped();
    } catch (InterruptedException e) {
      process.kill();
      Thread.currentThread().interrupt();
      exit = 137;
    } finally {
      if (probes != null) {
        probes.stop();
      }
    }
    running.remove(name);
    String message =
        TerminationMessage.read(
            terminationFile, container.getTerminationMessagePolicy(), exit, sandbox.log(name));
    state.terminated(
        name,
        exit,
        exit == 0 ? "Completed" : "Error",
        message,
        process.startedAt(),
        Instant.now(),
        process.pid());
    report();
    return exit;
  }

  /**
   * Probes the running container: readiness changes go into the pod status (and so into the Ready
   * condition that EndpointSlices follow); a failed startup or liveness probe kills the container,
   * which the restart policy then restarts, counting the restart, as a kubelet does.
   */
  private ContainerProbes startProbes(Container container, ContainerProcess process) {
    String name = container.getName();
    return ContainerProbes.start(
        container,
        podIp,
        node.probes(),
        node.threads(),
        new ContainerProbes.Listener() {
          @Override
          public void started() {
            if (state.started(name, ContainerProbes.readyWithoutProbe(container))) {
              report();
            }
          }

          @Override
          public void readiness(boolean ready) {
            if (state.ready(name, ready)) {
              LOG.info("pod {}: container {} is {}", key(), name, ready ? "ready" : "not ready");
              report();
            }
          }

          @Override
          public void failed(String probe, String message) {
            LOG.info(
                "pod {}: container {} failed its {} probe ({}), will be restarted",
                key(),
                name,
                probe.toLowerCase(java.util.Locale.ROOT),
                message);
            if (state.ready(name, false)) {
              report();
            }
            process.stop(killGrace());
          }
        });
  }

  /** The pod's termination grace period, capped as for deletion. */
  private Duration killGrace() {
    Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    long capped =
        seconds == null ? MAX_GRACE.toSeconds() : Math.min(seconds, MAX_GRACE.toSeconds());
    return Duration.ofSeconds(Math.max(0, capped));
  }

  private void awaitStop(Duration timeout) {
    try {
      stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void report() {
    if (!abandoned) {
      try {
        writer.write(state);
      } catch (KubernetesClientException e) {
        LOG.warn("pod {}: status not written: {}", key(), e.getMessage());
      }
    }
  }

  private void deleteFromApi() {
    if (abandoned || !deleted.compareAndSet(false, true)) {
      return;
    }
    try {
      node.client()
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}: not deleted: {}", key(), e.getMessage());
    }
  }

  private String key() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
