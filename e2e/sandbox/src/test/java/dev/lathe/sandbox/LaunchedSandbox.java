package dev.lathe.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A sandbox command started the way a user starts it in a terminal: in a process group of its own
 * (as a shell with job control gives a foreground command), its output in a log file, its state in
 * a directory of the test's own so that it shares nothing with a sandbox a developer runs.
 */
final class LaunchedSandbox implements AutoCloseable {

  private final Process process;
  private final Path state;
  private final Path log;
  private final int operatorPort;

  private LaunchedSandbox(Process process, Path state, Path log, int operatorPort) {
    this.process = process;
    this.state = state;
    this.log = log;
    this.operatorPort = operatorPort;
  }

  static LaunchedSandbox start(Path repository, Path state, List<String> command) {
    int operatorPort = freePort();
    Path log = state.resolve("sandbox.log");
    // A terminal's foreground job has Ctrl-C at its default action, but a build started as a
    // background job of a non-interactive shell (nohup mvn ... &) passes SIGINT down ignored, and
    // a JVM that starts with SIGINT ignored never stops on it, while the control plane's Go
    // programs re-enable it. env resets it, so the test sees what a user at a terminal sees.
    List<String> grouped = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT,QUIT"));
    grouped.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(grouped)
            .directory(repository.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("LATHE_LOCAL_STATE", state.toString());
    env.put("LATHE_HTTP_PORT", String.valueOf(operatorPort));
    // No cluster of the developer's may be picked up instead of the local one.
    env.put("KUBECONFIG", state.resolve("no-such-kubeconfig").toString());
    try {
      Files.createDirectories(state);
      return new LaunchedSandbox(builder.start(), state, log, operatorPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  Path kubeconfig() {
    return state.resolve("kubeconfig");
  }

  int operatorPort() {
    return operatorPort;
  }

  /** The API server's URL, once the sandbox has written its kubeconfig. */
  URI apiServer() {
    try (KubernetesClient client = client()) {
      return URI.create(client.getConfiguration().getMasterUrl());
    }
  }

  KubernetesClient client() {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean apiServerAnswers() {
    if (!Files.isRegularFile(kubeconfig())) {
      return false;
    }
    try (KubernetesClient client = client()) {
      return "ok".equals(client.raw("/readyz"));
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  /**
   * Waits until its API server answers and its operator listens, failing with its output when it
   * exits first or takes longer than {@code limit}.
   */
  void awaitReady(Duration limit) {
    try {
      Awaitility.await("the API server answers and the operator listens")
          .atMost(limit)
          .pollInterval(Duration.ofMillis(500))
          .failFast("the sandbox exited", () -> !process.isAlive())
          .until(() -> apiServerAnswers() && operatorListening());
    } catch (RuntimeException notReady) {
      throw new AssertionError(notReady.getMessage() + "; its output:\n" + log(), notReady);
    }
  }

  boolean operatorListening() {
    return listening(operatorPort);
  }

  /** Every process the sandbox started (its children's children too), still running. */
  List<ProcessHandle> processTree() {
    return process.toHandle().descendants().toList();
  }

  /** The processes still in the sandbox's process group, as {@code pgrep} sees them. */
  List<Long> processGroup() {
    try {
      Process pgrep = new ProcessBuilder("pgrep", "-g", String.valueOf(pid())).start();
      String out = new String(pgrep.getInputStream().readAllBytes()).strip();
      pgrep.waitFor(10, TimeUnit.SECONDS);
      return out.isEmpty() ? List.of() : out.lines().map(Long::parseLong).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends the signal to the sandbox's own process, as {@code kill -SIG PID} does. */
  void signalProcess(String signal) {
    kill("-" + signal, String.valueOf(pid()));
  }

  /** Sends the signal to the whole process group, as Ctrl-C in a terminal does. */
  void signalGroup(String signal) {
    kill("-" + signal, "--", "-" + pid());
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whatever a failed test left running is stopped hard, so one failure does not cascade. */
  @Override
  public void close() {
    List<ProcessHandle> left = processTree();
    process.destroyForcibly();
    left.forEach(ProcessHandle::destroyForcibly);
    processGroup().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private static void kill(String... args) {
    List<String> command = new ArrayList<>(List.of("kill"));
    command.addAll(List.of(args));
    try {
      int code = new ProcessBuilder(command).inheritIO().start().waitFor();
      if (code != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + code);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
