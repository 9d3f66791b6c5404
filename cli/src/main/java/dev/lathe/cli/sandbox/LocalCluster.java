package dev.lathe.cli.sandbox;

import dev.lathe.controlplane.LocalGateway;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local cluster: the control plane the tests use (etcd, kube-apiserver, controller-manager,
 * scheduler, the CRDs) and a node whose pods of Lathe's images run as local processes — {@code
 * LocalControlPlaneMain} as a child process, which writes the kubeconfig when it is ready and stops
 * all of it on SIGTERM.
 */
final class LocalCluster implements AutoCloseable {

  static final String NODE = "lathe-local";

  /** The local gateway's Gateway, as LATHE_GATEWAY names it: NAMESPACE/NAME/LISTENER. */
  static final String GATEWAY =
      LocalGateway.NAMESPACE + "/" + LocalGateway.GATEWAY + "/" + LocalGateway.LISTENER;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  private final ChildProcess process;
  private final KubernetesClient client;

  private LocalCluster(ChildProcess process, KubernetesClient client) {
    this.process = process;
    this.client = client;
  }

  static LocalCluster start(SandboxLayout layout, int gpus, boolean gateway) {
    try {
      Files.createDirectories(layout.state());
      Files.deleteIfExists(layout.kubeconfig());
      Files.deleteIfExists(layout.gatewayUrl());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess process =
        ChildProcess.start(
            "the local control plane",
            List.of(
                SandboxLayout.java().toString(),
                "-cp",
                layout.cliJar().toString(),
                "dev.lathe.controlplane.LocalControlPlaneMain",
                layout.kubeconfig().toString()),
            layout.repository(),
            Map.of(
                "LATHE_LOCAL_IMAGES",
                localImages(layout),
                "LATHE_LOCAL_GPUS",
                String.valueOf(gpus),
                "LATHE_LOCAL_GATEWAY",
                String.valueOf(gateway)),
            layout.state().resolve("control-plane.log"));
    try {
      Instant deadline = Instant.now().plus(START_TIMEOUT);
      while (!Files.isRegularFile(layout.kubeconfig())) {
        process.requireAlive();
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "the local control plane did not start in "
                  + START_TIMEOUT.toMinutes()
                  + " minutes; its log:\n"
                  + process.tail());
        }
        Thread.sleep(250);
      }
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(layout.kubeconfig())))
              .build();
      return new LocalCluster(process, client);
    } catch (IOException e) {
      process.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the local control plane started", e);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /**
   * What the node runs for each of Lathe's images: the image's own entry point script from the
   * checkout (bin/lathe-trainer, bin/lathe-runtime), so a local pod gets the JVM and allocator
   * settings a real pod gets, behind the Dockerfile ENV a local process lacks (DJL's usage tracking
   * off, OpenMP threads that sleep when idle), the JVM running this CLI, and the built jar. The
   * trainer trains the tiny model on the CPU; the GPUs are what the scheduler and the quota see.
   */
  static String localImages(SandboxLayout layout) {
    String javaHome = System.getProperty("java.home");
    String environment = "env OPT_OUT_TRACKING=true OMP_WAIT_POLICY=PASSIVE JAVA_HOME=" + javaHome;
    return "lathe-trainer="
        + environment
        + " LATHE_TRAINER_JAR="
        + layout.trainerJar()
        + " "
        + layout.trainerEntryPoint()
        + ";lathe-runtime="
        + environment
        + " LATHE_RUNTIME_JAR="
        + layout.runtimeJar()
        + " "
        + layout.runtimeEntryPoint();
  }

  KubernetesClient client() {
    return client;
  }

  /** The local gateway's URL (Traefik, Gateway lathe-gateway/lathe), when it runs. */
  Optional<String> gatewayUrl(SandboxLayout layout) {
    try {
      return Files.isRegularFile(layout.gatewayUrl())
          ? Optional.of(Files.readString(layout.gatewayUrl()).strip())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String serverUrl() {
    return client.getConfiguration().getMasterUrl();
  }

  boolean nodeReady() {
    Node node = client.nodes().withName(NODE).get();
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  void requireAlive() {
    process.requireAlive();
  }

  @Override
  public void close() {
    client.close();
    process.close();
  }
}
