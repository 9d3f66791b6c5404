package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the local kubelet knows about one pod — phase, each container's state — rendered as the
 * {@link PodStatus} a real kubelet would report, conditions included. Container threads update it
 * concurrently, hence the locking.
 */
final class PodRunState {

  private static final List<String> OWN_CONDITIONS =
      List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready");

  private final Map<String, ContainerStatus> initContainers = new LinkedHashMap<>();
  private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();
  private final String podIp;
  private final String hostIp;
  private final Instant startTime = Instant.now();
  private String phase = "Pending";
  private String reason;
  private String message;

  PodRunState(Pod pod, String podIp, String hostIp) {
    this.podIp = podIp;
    this.hostIp = hostIp;
    List<Container> init = pod.getSpec().getInitContainers();
    for (Container c : init == null ? List.<Container>of() : init) {
      initContainers.put(c.getName(), initial(c));
    }
    for (Container c : pod.getSpec().getContainers()) {
      containers.put(c.getName(), initial(c));
    }
  }

  synchronized void waiting(String container, String reason, String message) {
    ContainerStatus status = status(container);
    status.setState(new ContainerStateBuilder().withNewWaiting(message, reason).build());
    status.setReady(false);
    status.setStarted(false);
  }

  /**
   * The container runs. {@code probed}: it has a startup or readiness probe, so it is neither
   * started nor ready until the probes say so; without probes a running container is both. An init
   * container is ready only once it completed.
   */
  synchronized void running(String container, ContainerProcess process, boolean probed) {
    ContainerStatus status = status(container);
    status.setState(
        new ContainerStateBuilder().withNewRunning(timestamp(process.startedAt())).build());
    status.setContainerID(containerId(process.pid()));
    status.setReady(!initContainers.containsKey(container) && !probed);
    status.setStarted(!probed);
  }

  /** The startup probe succeeded (or there is none): the container counts as started. */
  synchronized boolean started(String container, boolean readyToo) {
    ContainerStatus status = status(container);
    if (status.getState().getRunning() == null) {
      return false;
    }
    boolean changed = !Boolean.TRUE.equals(status.getStarted());
    status.setStarted(true);
    if (readyToo && !Boolean.TRUE.equals(status.getReady())) {
      status.setReady(true);
      changed = true;
    }
    return changed;
  }

  /** The readiness probe's verdict; returns whether the container's readiness changed. */
  synchronized boolean ready(String container, boolean ready) {
    ContainerStatus status = status(container);
    if (status.getState().getRunning() == null
        || Boolean.valueOf(ready).equals(status.getReady())) {
      return false;
    }
    status.setReady(ready);
    return true;
  }

  synchronized int restartCount(String container) {
    return status(container).getRestartCount();
  }

  synchronized void terminated(
      String container,
      int exitCode,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt,
      Long pid) {
    ContainerStatus status = status(container);
    status.setState(
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message == null || message.isEmpty() ? null : message)
            .withStartedAt(startedAt == null ? null : timestamp(startedAt))
            .withFinishedAt(timestamp(finishedAt))
            .withContainerID(pid == null ? null : containerId(pid))
            .endTerminated()
            .build());
    status.setReady(initContainers.containsKey(container) && exitCode == 0);
    status.setStarted(false);
  }

  /** The last run's end becomes {@code lastState}; the container waits to start again. */
  synchronized void restarting(String container, String reason) {
    ContainerStatus status = status(container);
    status.setLastState(status.getState());
    status.setRestartCount(status.getRestartCount() + 1);
    status.setState(
        new ContainerStateBuilder()
            .withNewWaiting("back-off restarting container " + container, reason)
            .build());
    status.setReady(false);
    status.setStarted(false);
  }

  synchronized void phase(String phase, String reason, String message) {
    this.phase = phase;
    this.reason = reason;
    this.message = message;
  }

  synchronized boolean isTerminated(String container) {
    return status(container).getState().getTerminated() != null;
  }

  synchronized Integer exitCode(String container) {
    var terminated = status(container).getState().getTerminated();
    return terminated == null ? null : terminated.getExitCode();
  }

  synchronized Collection<String> containerNames() {
    return List.copyOf(containers.keySet());
  }

  /** This state as a pod status; conditions other than the kubelet's own are kept as they are. */
  synchronized PodStatus render(PodStatus current) {
    String now = timestamp(Instant.now());
    List<PodCondition> existing =
        current == null || current.getConditions() == null ? List.of() : current.getConditions();
    List<PodCondition> conditions = new ArrayList<>();
    for (PodCondition c : existing) {
      if (!OWN_CONDITIONS.contains(c.getType())) {
        conditions.add(c);
      }
    }
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    conditions.add(condition(existing, "PodReadyToStartContainers", !terminal, null, null, now));
    List<String> uninitialized =
        initContainers.entrySet().stream()
            .filter(e -> !Boolean.TRUE.equals(e.getValue().getReady()))
            .map(Map.Entry::getKey)
            .toList();
    conditions.add(
        condition(
            existing,
            "Initialized",
            uninitialized.isEmpty(),
            "ContainersNotInitialized",
            "containers with incomplete status: " + uninitialized,
            now));
    List<String> unready =
        containers.entrySet().stream()
            .filter(e -> !Boolean.TRUE.equals(e.getValue().getReady()))
            .map(Map.Entry::getKey)
            .toList();
    String unreadyReason = phase.equals("Succeeded") ? "PodCompleted" : "ContainersNotReady";
    String unreadyMessage = "containers with unready status: " + unready;
    conditions.add(
        condition(
            existing, "ContainersReady", unready.isEmpty(), unreadyReason, unreadyMessage, now));
    conditions.add(
        condition(existing, "Ready", unready.isEmpty(), unreadyReason, unreadyMessage, now));

    PodStatus status = current == null ? new PodStatus() : current;
    status.setPhase(phase);
    status.setReason(reason);
    status.setMessage(message);
    status.setConditions(conditions);
    status.setHostIP(hostIp);
    status.setHostIPs(List.of(new HostIP(hostIp)));
    status.setPodIP(podIp);
    status.setPodIPs(List.of(new PodIP(podIp)));
    status.setStartTime(timestamp(startTime));
    status.setInitContainerStatuses(copies(initContainers.values()));
    status.setContainerStatuses(copies(containers.values()));
    return status;
  }

  private static PodCondition condition(
      List<PodCondition> existing,
      String type,
      boolean isTrue,
      String falseReason,
      String falseMessage,
      String now) {
    String value = isTrue ? "True" : "False";
    String since =
        existing.stream()
            .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
            .map(PodCondition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now);
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withLastTransitionTime(since)
        .withReason(isTrue ? null : falseReason)
        .withMessage(isTrue ? null : falseMessage)
        .build();
  }

  private ContainerStatus status(String container) {
    ContainerStatus status = initContainers.get(container);
    if (status == null) {
      status = containers.get(container);
    }
    if (status == null) {
      throw new IllegalArgumentException("no container " + container);
    }
    return status;
  }

  private static ContainerStatus initial(Container c) {
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID("")
        .withReady(false)
        .withStarted(false)
        .withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewWaiting(null, "PodInitializing").build())
        .build();
  }

  private static List<ContainerStatus> copies(Collection<ContainerStatus> statuses) {
    return statuses.stream().map(s -> new ContainerStatusBuilder(s).build()).toList();
  }

  private static String containerId(long pid) {
    return "lathe-local://" + pid;
  }

  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
