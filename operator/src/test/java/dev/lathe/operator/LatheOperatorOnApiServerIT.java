package dev.lathe.operator;

import static dev.lathe.operator.ResourceStatus.awaitCondition;
import static dev.lathe.operator.ResourceStatus.current;
import static dev.lathe.operator.ResourceStatus.eventsAbout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.of(NAMESPACE),
            0,
            "127.0.0.1",
            Duration.ofSeconds(1),
            WorkloadSettings.fromEnvironment(
                Fixtures.grantOperatorCredentials(
                    client, NAMESPACE, "api-server-it-storage-policy")));
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
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    client.resource(Fixtures.minioCredentials()).create();
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1);

    Condition accepted = awaitCondition(client, created, "Accepted", "True");
    assertThat(accepted.getObservedGeneration()).isEqualTo(1);
    FineTuneJob current = current(client, created);
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
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              FineTuneJob edited = current(client, created);
              assertThat(edited.getMetadata().getGeneration()).isEqualTo(2);
              assertThat(edited.getStatus().getObservedGeneration()).isEqualTo(2);
            });
  }

  @Test
  void missingSecretGivesAWarningEventAndAcceptedFalseUntilTheSecretIsCreated() {
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();

    Condition rejected = awaitCondition(client, created, "Accepted", "False");
    assertThat(rejected.getReason()).isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(eventsAbout(client, created))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
                          assertThat(e.getMessage())
                              .contains(
                                  "Secret minio-credentials not found in namespace " + NAMESPACE);
                        }));

    client.resource(Fixtures.minioCredentials()).create();

    assertThat(awaitCondition(client, created, "Accepted", "True").getReason())
        .isEqualTo(AcceptanceReasons.VALID);
  }
}
