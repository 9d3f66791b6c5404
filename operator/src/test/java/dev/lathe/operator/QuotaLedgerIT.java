package dev.lathe.operator;

import static dev.lathe.operator.ResourceStatus.awaitCondition;
import static dev.lathe.operator.ResourceStatus.condition;
import static dev.lathe.operator.ResourceStatus.current;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The quota ledger on a real API server with its controllers (the ResourceQuota and Job
 * controllers): two FineTuneJobs created in the same instant against a one-GPU quota. The
 * ResourceQuota's used figure is still 0 when both are reconciled; only the reservation the first
 * one's admission wrote into its status keeps the second one queued.
 */
@ExtendWith(ControlPlaneExtension.class)
class QuotaLedgerIT {

  /** A namespace of its own per run: nothing left by another test or run can count. */
  private static final String NAMESPACE =
      "quota-ledger-" + java.util.UUID.randomUUID().toString().substring(0, 6);

  private final KubernetesClient client;
  private LatheOperator lathe;

  QuotaLedgerIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeEach
  void startOperatorInANamespaceWithOneGpu() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("gpus")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .addToHard("requests.nvidia.com/gpu", new Quantity("1"))
                .endSpec()
                .build())
        .serverSideApply();
    var credentials = Fixtures.minioCredentials();
    credentials.getMetadata().setNamespace(NAMESPACE);
    client.resource(credentials).serverSideApply();
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.of(NAMESPACE),
            0,
            "127.0.0.1",
            Duration.ofSeconds(2),
            WorkloadSettings.fromEnvironment(
                Fixtures.grantOperatorCredentials(
                    client, NAMESPACE, "quota-ledger-it-storage-policy")));
    lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(30)).until(lathe::isReady);
    ModelVersion base = Fixtures.baseModel("llama-3-1-8b-instruct");
    base.getMetadata().setNamespace(NAMESPACE);
    ResourceStatus.createVerified(client, base);
  }

  @AfterEach
  void stopOperator() {
    // ModelVersions carry the operator's finalizer: delete them while it still runs.
    client.resources(ModelVersion.class).inNamespace(NAMESPACE).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .resources(ModelVersion.class)
                    .inNamespace(NAMESPACE)
                    .list()
                    .getItems()
                    .isEmpty());
    lathe.stop();
    client.namespaces().withName(NAMESPACE).delete();
  }

  private static FineTuneJob job(String name) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setName(name);
    job.getMetadata().setNamespace(NAMESPACE);
    job.getSpec().getOutput().setModelVersionName(name);
    // No kubelet runs the pods here: the Job controller ends the first job at its deadline,
    // which is what frees the GPU for the second.
    job.getSpec().setActiveDeadlineSeconds(15L);
    return job;
  }

  private boolean admitted(FineTuneJob job) {
    FineTuneJob now = current(client, job);
    return now != null && now.getStatus() != null && now.getStatus().getJobName() != null;
  }

  /**
   * The second job's Queued=True condition. A run on a loaded machine once saw none within 30 s and
   * said nothing more; a failure now prints both jobs' statuses and the batch Jobs, which tell a
   * second admission from a late first reconcile.
   */
  private Condition queuedOrTellWhy(FineTuneJob first, FineTuneJob second) {
    try {
      return awaitCondition(client, second, "Queued", "True");
    } catch (ConditionTimeoutException e) {
      KubernetesSerialization json = new KubernetesSerialization();
      throw new AssertionError(
          "the second job was never Queued=True. First: "
              + json.asJson(current(client, first).getStatus())
              + "; second: "
              + json.asJson(current(client, second).getStatus())
              + "; batch Jobs: "
              + client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().stream()
                  .map(j -> j.getMetadata().getName() + " " + json.asJson(j.getStatus()))
                  .toList(),
          e);
    }
  }

  @Test
  void twoJobsCreatedInTheSameInstantOnOneFreeGpuAreAdmittedOneAfterTheOther() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<FineTuneJob>> creations =
        List.of("alpha", "bravo").stream()
            .map(
                name ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            go.await();
                          } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                          }
                          return client.resource(job(name)).create();
                        }))
            .toList();
    go.countDown();
    FineTuneJob alpha = creations.get(0).get();
    FineTuneJob bravo = creations.get(1).get();

    await().atMost(Duration.ofSeconds(30)).until(() -> admitted(alpha) || admitted(bravo));
    FineTuneJob first = admitted(alpha) ? alpha : bravo;
    FineTuneJob second = first == alpha ? bravo : alpha;
    Condition queued = queuedOrTellWhy(first, second);
    assertThat(queued.getReason()).isEqualTo("QuotaExceeded");
    assertThat(current(client, first).getStatus().getQuotaReservation().getGpus()).isEqualTo(1L);

    // While the first holds the GPU the second stays queued, whatever the quota's used says.
    Instant until = Instant.now().plusSeconds(5);
    while (Instant.now().isBefore(until)) {
      assertThat(admitted(second)).as("second job admitted while the GPU is held").isFalse();
      Thread.sleep(250);
    }
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);

    awaitCondition(client, first, "Failed", "True");
    await().atMost(Duration.ofSeconds(60)).until(() -> admitted(second));
    assertThat(condition(current(client, second), "Queued"))
        .get()
        .extracting(Condition::getReason)
        .isEqualTo("Admitted");
  }
}
