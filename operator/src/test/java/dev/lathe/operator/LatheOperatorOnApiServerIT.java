package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a real kube-apiserver, with JOSDK's production defaults: status is written
 * through the status subresource with server-side apply, never touching the spec, and
 * observedGeneration follows the generation the API server assigns.
 */
@ExtendWith(ControlPlaneExtension.class)
class LatheOperatorOnApiServerIT {

  private static final String NAMESPACE = Fixtures.NAMESPACE;

  private final KubernetesClient client;
  private LatheOperator lathe;

  LatheOperatorOnApiServerIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeEach
  void startOperator() {
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
    }
    OperatorSettings settings =
        new OperatorSettings(false, "unused", null, Set.of(NAMESPACE), 0, Duration.ofSeconds(1));
    lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(30)).until(lathe::isReady);
  }

  @AfterEach
  void stopOperator() {
    lathe.stop();
    client.resources(FineTuneJob.class).inNamespace(NAMESPACE).delete();
    client.resources(ModelVersion.class).inNamespace(NAMESPACE).delete();
    client.secrets().inNamespace(NAMESPACE).withName("minio-credentials").delete();
  }

  @Test
  void statusIsServerSideAppliedToTheStatusSubresourceAndTracksGeneration() {
    client.resource(Fixtures.baseModel("llama-3-1-8b-instruct")).create();
    client.resource(Fixtures.minioCredentials()).create();
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1);

    Condition accepted = awaitAccepted(created, "True");
    assertThat(accepted.getObservedGeneration()).isEqualTo(1);
    FineTuneJob current = job(created);
    assertThat(current.getStatus().getObservedGeneration()).isEqualTo(1);
    assertThat(current.getSpec().getMethod().getRank()).isEqualTo(16);
    assertThat(current.getMetadata().getManagedFields())
        .filteredOn(f -> "status".equals(f.getSubresource()))
        .extracting(ManagedFieldsEntry::getOperation)
        .containsExactly("Apply");

    client
        .resources(FineTuneJob.class)
        .inNamespace(NAMESPACE)
        .withName(created.getMetadata().getName())
        .edit(
            job -> {
              job.getSpec().setSuspend(true);
              return job;
            });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              FineTuneJob edited = job(created);
              assertThat(edited.getMetadata().getGeneration()).isEqualTo(2);
              assertThat(edited.getStatus().getObservedGeneration()).isEqualTo(2);
            });
  }

  @Test
  void missingSecretGivesAWarningEventAndAcceptedFalseUntilTheSecretIsCreated() {
    client.resource(Fixtures.baseModel("llama-3-1-8b-instruct")).create();
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();

    Condition rejected = awaitAccepted(created, "False");
    assertThat(rejected.getReason()).isEqualTo("SecretNotFound");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(eventsAbout(created))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("SecretNotFound");
                          assertThat(e.getMessage())
                              .contains(
                                  "Secret minio-credentials not found in namespace " + NAMESPACE);
                        }));

    client.resource(Fixtures.minioCredentials()).create();

    assertThat(awaitAccepted(created, "True").getReason()).isEqualTo("Valid");
  }

  private FineTuneJob job(FineTuneJob job) {
    return client
        .resources(FineTuneJob.class)
        .inNamespace(NAMESPACE)
        .withName(job.getMetadata().getName())
        .get();
  }

  private Condition awaitAccepted(FineTuneJob job, String status) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Optional.ofNullable(job(job).getStatus())
                    .flatMap(
                        s ->
                            s.getConditions().stream()
                                .filter(c -> "Accepted".equals(c.getType()))
                                .findFirst())
                    .filter(c -> status.equals(c.getStatus())),
            Optional::isPresent)
        .get();
  }

  private List<Event> eventsAbout(HasMetadata resource) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> resource.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .toList();
  }
}
