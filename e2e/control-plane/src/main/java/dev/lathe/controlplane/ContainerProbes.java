package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The startup, readiness and liveness probes of one run of one container, each on its own thread,
 * with the kubelet's rules: nothing but the startup probe runs until it has succeeded;
 * initialDelaySeconds counts from the container's start; readiness turns true after
 * successThreshold successes in a row and false after failureThreshold failures in a row (it starts
 * false); startup or liveness failing failureThreshold times in a row asks for the container to be
 * killed. Defaults as in the API: period 10 s, timeout 1 s, success 1, failure 3.
 */
final class ContainerProbes {

  /** What the probes found, told to the pod worker. */
  interface Listener {
    /** The startup probe succeeded (called at once when the container has none). */
    void started();

    /** The readiness probe changed its verdict. */
    void readiness(boolean ready);

    /** The startup or liveness probe failed too often: the container must be killed. */
    void failed(String probe, String message);
  }

  private final Container container;
  private final String podIp;
  private final ProbeCheck check;
  private final Listener listener;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch startupDone = new CountDownLatch(1);
  private final long startedNanos = System.nanoTime();

  private ContainerProbes(Container container, String podIp, ProbeCheck check, Listener listener) {
    this.container = container;
    this.podIp = podIp;
    this.check = check;
    this.listener = listener;
  }

  /** Starts probing a container that has just started. */
  static ContainerProbes start(
      Container container,
      String podIp,
      ProbeCheck check,
      ExecutorService threads,
      Listener listener) {
    ContainerProbes probes = new ContainerProbes(container, podIp, check, listener);
    if (container.getStartupProbe() != null) {
      threads.execute(probes::runStartup);
    } else {
      probes.startupDone.countDown();
      listener.started();
    }
    if (container.getReadinessProbe() != null) {
      threads.execute(probes::runReadiness);
    }
    if (container.getLivenessProbe() != null) {
      threads.execute(probes::runLiveness);
    }
    return probes;
  }

  /** Whether the container counts as ready as soon as it runs (it has no readiness probe). */
  static boolean readyWithoutProbe(Container container) {
    return container.getReadinessProbe() == null;
  }

  /** No probe runs any more (the run ended). */
  void stop() {
    stopped.countDown();
  }

  private void runStartup() {
    Probe probe = container.getStartupProbe();
    if (!awaitInitialDelay(probe)) {
      return;
    }
    int failures = 0;
    while (!isStopped()) {
      ProbeCheck.Result result = check.check(probe, container, podIp);
      if (isStopped()) {
        return;
      }
      if (result.success()) {
        startupDone.countDown();
        listener.started();
        return;
      }
      if (++failures >= failureThreshold(probe)) {
        stop();
        listener.failed("Startup", result.message());
        return;
      }
      if (!sleep(period(probe))) {
        return;
      }
    }
  }

  private void runReadiness() {
    Probe probe = container.getReadinessProbe();
    if (!awaitInitialDelay(probe) || !awaitStartup()) {
      return;
    }
    Boolean ready = null;
    int successes = 0;
    int failures = 0;
    while (!isStopped()) {
      ProbeCheck.Result result = check.check(probe, container, podIp);
      if (isStopped()) {
        return;
      }
      if (result.success()) {
        failures = 0;
        if (++successes >= ProbeCheck.positiveOr(probe.getSuccessThreshold(), 1)
            && !Boolean.TRUE.equals(ready)) {
          ready = true;
          listener.readiness(true);
        }
      } else {
        successes = 0;
        if (++failures >= failureThreshold(probe) && !Boolean.FALSE.equals(ready)) {
          ready = false;
          listener.readiness(false);
        }
      }
      if (!sleep(period(probe))) {
        return;
      }
    }
  }

  private void runLiveness() {
    Probe probe = container.getLivenessProbe();
    if (!awaitInitialDelay(probe) || !awaitStartup()) {
      return;
    }
    int failures = 0;
    while (!isStopped()) {
      ProbeCheck.Result result = check.check(probe, container, podIp);
      if (isStopped()) {
        return;
      }
      if (result.success()) {
        failures = 0;
      } else if (++failures >= failureThreshold(probe)) {
        stop();
        listener.failed("Liveness", result.message());
        return;
      }
      if (!sleep(period(probe))) {
        return;
      }
    }
  }

  private boolean awaitInitialDelay(Probe probe) {
    int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
    long remaining = TimeUnit.SECONDS.toNanos(delay) - (System.nanoTime() - startedNanos);
    return remaining <= 0 || sleep(Duration.ofNanos(remaining));
  }

  private boolean awaitStartup() {
    while (!isStopped()) {
      try {
        if (startupDone.await(200, TimeUnit.MILLISECONDS)) {
          return true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** False when the probes were stopped meanwhile. */
  private boolean sleep(Duration duration) {
    try {
      return !stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean isStopped() {
    return stopped.getCount() == 0;
  }

  private static Duration period(Probe probe) {
    return Duration.ofSeconds(ProbeCheck.positiveOr(probe.getPeriodSeconds(), 10));
  }

  private static int failureThreshold(Probe probe) {
    return ProbeCheck.positiveOr(probe.getFailureThreshold(), 3);
  }
}
