package dev.lathe.controlplane;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of a container: a child process of this JVM with its stdout and stderr appended to the
 * container's log. Stopping it stops its whole process tree, since a shell or a launcher script
 * would otherwise leave its children running.
 */
final class ContainerProcess {

  private final Process process;
  private final Instant startedAt;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopRequested;

  private ContainerProcess(Process process, Instant startedAt) {
    this.process = process;
    this.startedAt = startedAt;
  }

  static ContainerProcess start(ContainerLaunch launch, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(launch.command())
            .directory(launch.workingDirectory().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(launch.environment());
    Instant startedAt = Instant.now();
    return new ContainerProcess(builder.start(), startedAt);
  }

  long pid() {
    return process.pid();
  }

  Instant startedAt() {
    return startedAt;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The process and its descendants, while they run. */
  List<ProcessHandle> handles() {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(process.toHandle()), process.descendants())
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  /** The exit code; 128 + the signal number for a process killed by a signal, as in a container. */
  int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** SIGTERM to the tree; SIGKILL to what is left after {@code grace}. Returns when it is gone. */
  void stop(Duration grace) {
    stopRequested = true;
    try {
      stopTree(grace);
    } finally {
      stopped.countDown();
    }
  }

  /**
   * When {@link #stop} runs, waits until it is done: the process itself may exit on SIGTERM before
   * its children do, and the pod must not count as stopped while they run.
   */
  void awaitStopped() throws InterruptedException {
    if (stopRequested) {
      stopped.await(30, TimeUnit.SECONDS);
    }
  }

  private void stopTree(Duration grace) {
    List<ProcessHandle> tree = handles();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
      process.waitFor(10, TimeUnit.SECONDS);
      // Children that ignored SIGTERM outlive their parent; they go too, and the pod counts as
      // stopped only once the whole tree is gone.
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      awaitExit(tree, Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitExit(List<ProcessHandle> tree, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // Reported by the caller's own checks; a zombie nobody reaps must not block the kubelet.
      }
    }
  }

  /** SIGKILL to the tree, without waiting. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
