package dev.lathe.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.cli.LatheRun;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code lathe status} against a real API server: resources created from the examples, their status
 * subresource written in the shapes the operator writes, read back the way a user reads it.
 */
@ExtendWith(ControlPlaneExtension.class)
class StatusCommandIT {

  private final LocalControlPlane plane;
  private final KubernetesClient client;
  private String namespace;

  StatusCommandIT(LocalControlPlane plane) {
    this.plane = plane;
    this.client = plane.client();
  }

  @BeforeEach
  void namespace() {
    namespace = "status-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  private LatheRun lathe(String... args) {
    return LatheRun.of(args);
  }

  private <T extends CustomResource<?, ?>> T create(T resource) {
    resource.getMetadata().setNamespace(namespace);
    return client.resource(resource).create();
  }

  /** Writes the status the way the operator does: through the status subresource only. */
  private <T extends CustomResource<?, ?>> void writeStatus(
      Class<T> type, String name, Consumer<T> change) {
    T latest = client.resources(type).inNamespace(namespace).withName(name).get();
    change.accept(latest);
    client.resource(latest).updateStatus();
  }

  @Test
  void aFineTuneJobsStatusIsReadFromTheApiServerAsTheOperatorWroteIt() {
    create(StatusFixtures.job());
    writeStatus(FineTuneJob.class, "support-bot-v3", j -> j.setStatus(StatusFixtures.training(40)));

    LatheRun run =
        lathe(
            "status",
            "ftj/support-bot-v3",
            "-n",
            namespace,
            "--kubeconfig",
            plane.kubeconfig().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("FineTuneJob " + namespace + "/support-bot-v3\n")
        .contains("State:      Running")
        .contains(" 50%  step 40/80")
        .contains("loss 1.2345")
        .containsPattern("Accepted +True +Valid");
  }

  @Test
  void aModelVersionAndAModelDeploymentAreReadWithTheirSignerLineageAndRollout() {
    create(StatusFixtures.version());
    writeStatus(
        ModelVersion.class, "llama-3-1-8b-instruct", v -> v.setStatus(StatusFixtures.verified()));
    create(StatusFixtures.deployment());
    writeStatus(
        ModelDeployment.class,
        "support-bot",
        d -> d.setStatus(StatusFixtures.canaryAtSecondStep()));
    String kubeconfig = plane.kubeconfig().toString();

    LatheRun version =
        lathe("status", "mv/llama-3-1-8b-instruct", "-n", namespace, "--kubeconfig", kubeconfig);
    LatheRun deployment =
        lathe("status", "md/support-bot", "-n", namespace, "--kubeconfig", kubeconfig);

    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out())
        .contains("Verified:   yes, SignatureVerified")
        .contains("ecdsa-p256-sha256")
        .contains("Lineage:    base sha256:");
    assertThat(deployment.exitCode()).as(deployment.err()).isZero();
    assertThat(deployment.out())
        .contains("Serving:    support-bot-v2")
        .contains("▶ 1  weight 50%")
        .containsPattern("accuracy +canary 0.9100 +stable 0.8800 +held");
  }

  @Test
  void aResourceThatDoesNotExistIsAUsageErrorNamingIt() {
    LatheRun run =
        lathe(
            "status", "mv/nothing", "-n", namespace, "--kubeconfig", plane.kubeconfig().toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo("lathe: ModelVersion nothing not found in namespace " + namespace);
  }

  @Test
  void watchingShowsTheJobBeforeItExistsAndAgainOnEveryStatusChange() throws Exception {
    StatusCommand command = new StatusCommand();
    command.terminal = false;
    StringWriter out = new StringWriter();
    CommandLine commandLine = new CommandLine(command);
    commandLine.setOut(new PrintWriter(out, true));
    Thread watching =
        new Thread(
            () ->
                commandLine.execute(
                    "ftj/support-bot-v3",
                    "--watch",
                    "-n",
                    namespace,
                    "--kubeconfig",
                    plane.kubeconfig().toString()));
    watching.start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> out.toString().contains("does not exist in namespace " + namespace + " yet"));

      create(StatusFixtures.job());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> out.toString().contains("State:      Pending"));
      writeStatus(FineTuneJob.class, "support-bot-v3", j -> j.setStatus(StatusFixtures.queued()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> out.toString().contains("State:      Queued"));
      writeStatus(
          FineTuneJob.class, "support-bot-v3", j -> j.setStatus(StatusFixtures.training(60)));
      await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("step 60/80"));
    } finally {
      watching.interrupt();
      watching.join(Duration.ofSeconds(30).toMillis());
    }

    assertThat(watching.isAlive()).as("the watch ends when interrupted").isFalse();
    String shown = out.toString();
    assertThat(shown).doesNotContain("\033");
    assertThat(shown.indexOf("State:      Pending"))
        .isLessThan(shown.indexOf("State:      Queued"))
        .isLessThan(shown.indexOf("step 60/80"));
    assertThat(shown.lines().filter(l -> l.startsWith("--- ")).count())
        .as("one block per change")
        .isGreaterThanOrEqualTo(4);
  }
}
