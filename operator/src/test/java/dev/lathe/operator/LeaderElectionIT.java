package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator processes under leader election, as two replicas run in a cluster: SIGTERM (what
 * kubelet sends a pod it stops) makes the leader exit within seconds and give its Lease up, so the
 * standby takes over at once rather than after the Lease's 15 s expire.
 */
@ExtendWith(ControlPlaneExtension.class)
class LeaderElectionIT {

  private static final String NAMESPACE = "leader-election";
  private static final String LEASE = "lathe-operator-leader";

  private final KubernetesClient client;
  private final LocalControlPlane plane;
  private final List<Process> operators = new ArrayList<>();

  LeaderElectionIT(KubernetesClient client, LocalControlPlane plane) {
    this.client = client;
    this.plane = plane;
  }

  @AfterEach
  void stopOperators() throws InterruptedException {
    for (Process operator : operators) {
      operator.destroyForcibly();
      operator.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process operator(String host, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LatheOperatorMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    var env = builder.environment();
    env.put("KUBECONFIG", plane.kubeconfig().toString());
    env.put("HOSTNAME", host);
    env.put("LATHE_LEADER_ELECTION", "true");
    env.put("LATHE_LEASE_NAMESPACE", NAMESPACE);
    env.put("LATHE_WATCH_NAMESPACES", NAMESPACE);
    env.put("LATHE_HTTP_PORT", "0");
    env.put("LATHE_HTTP_ADDRESS", "127.0.0.1");
    env.put("LATHE_LOG_FORMAT", "text");
    Process process = builder.start();
    operators.add(process);
    return process;
  }

  private Optional<String> holder() {
    Lease lease = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    return Optional.ofNullable(lease)
        .map(Lease::getSpec)
        .map(s -> s.getHolderIdentity())
        .filter(h -> !h.isEmpty());
  }

  @Test
  void sigtermedLeaderExitsWithinSecondsAndTheStandbyTakesTheLeaseAtOnce() throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    Path logs = Files.createTempDirectory("lathe-leader-election");
    Process leader = operator("replica-a", logs.resolve("a.log"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> holder().filter(h -> h.startsWith("replica-a-")).isPresent());
    Process standby = operator("replica-b", logs.resolve("b.log"));
    // The standby is up and trying once its log says so; it cannot lead while a holds the Lease.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(logs.resolve("b.log")).contains("Lathe operator starting"));
    Thread.sleep(3_000);
    assertThat(holder()).get().asString().startsWith("replica-a-");

    long signalled = System.nanoTime();
    leader.destroy(); // SIGTERM
    boolean exited = leader.waitFor(10, TimeUnit.SECONDS);
    long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
    assertThat(exited)
        .as("leader exited after SIGTERM; its log: " + logs.resolve("a.log"))
        .isTrue();

    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> holder().filter(h -> h.startsWith("replica-b-")).isPresent());
    long takeoverMillis = (System.nanoTime() - signalled) / 1_000_000;
    System.out.printf(
        "leader exited %d ms after SIGTERM; standby held the Lease %d ms after it (Lease"
            + " duration 15000 ms)%n",
        exitMillis, takeoverMillis);
    assertThat(standby.isAlive()).isTrue();
    assertThat(new File(logs.resolve("a.log").toString())).content().contains("released Lease");
  }
}
