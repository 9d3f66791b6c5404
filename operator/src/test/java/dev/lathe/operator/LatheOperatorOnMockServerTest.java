package dev.lathe.operator;

import static dev.lathe.operator.Fixtures.NAMESPACE;
import static dev.lathe.operator.ResourceStatus.awaitCondition;
import static dev.lathe.operator.ResourceStatus.condition;
import static dev.lathe.operator.ResourceStatus.current;
import static dev.lathe.operator.ResourceStatus.eventsAbout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.validation.ProjectLayout;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator, started against Fabric8's CRUD mock server, keeps Accepted and observedGeneration
 * honest.
 *
 * <p>The mock server does not implement server-side apply (it answers 415) and, for status patches,
 * keeps only JSON patches without a query string. JOSDK 5 patches status with SSA by default, so
 * these tests turn SSA off through the operator's override hook; JOSDK then patches status with a
 * JSON patch, which the mock server applies. Production keeps SSA on; the real API server tests
 * exercise it.
 */
@EnableKubernetesMockClient(crud = true)
class LatheOperatorOnMockServerTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private LatheOperator lathe;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private static void withoutServerSideApply(ConfigurationServiceOverrider overrider) {
    overrider.withUseSSAToPatchPrimaryResource(false).checkingCRDAndValidateLocalModel(false);
  }

  @BeforeEach
  void installCrdsAndNamespace() throws IOException {
    try (Stream<Path> crds = Files.list(ProjectLayout.crds())) {
      for (Path crd : crds.toList()) {
        try (InputStream in = Files.newInputStream(crd)) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    // The fixtures' imports name no credentials Secret: the platform team lets this namespace
    // use the operator's own credentials under s3://models.
    client
        .configMaps()
        .inNamespace("lathe-system")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("lathe-storage-policy")
                .withNamespace("lathe-system")
                .endMetadata()
                .addToData("models.prefixes", "s3://models")
                .addToData("models.namespaces", NAMESPACE)
                .build())
        .create();
  }

  private void startOperator(Duration recheck) {
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.of(),
            0,
            "127.0.0.1",
            recheck,
            WorkloadSettings.fromEnvironment(Map.of()));
    lathe =
        LatheOperator.create(
            client,
            settings,
            meters,
            Clock.systemUTC(),
            LatheOperatorOnMockServerTest::withoutServerSideApply);
    lathe.start();
    await().atMost(Duration.ofSeconds(20)).until(lathe::isReady);
  }

  @AfterEach
  void stopOperator() {
    if (lathe != null) {
      lathe.stop();
    }
  }

  @Test
  void validFineTuneJobIsAcceptedAndObservedGenerationFollowsItsSpec() {
    startOperator(Duration.ofHours(1));
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    client.resource(Fixtures.minioCredentials()).create();

    FineTuneJob created = client.resource(Fixtures.loraJob()).create();

    Condition accepted = awaitCondition(client, created, "Accepted", "True");
    assertThat(accepted.getReason()).isEqualTo(AcceptanceReasons.VALID);
    long generation = current(client, created).getMetadata().getGeneration();
    assertThat(current(client, created).getStatus().getObservedGeneration()).isEqualTo(generation);

    client
        .resources(FineTuneJob.class)
        .inNamespace(NAMESPACE)
        .withName(created.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              FineTuneJob current = current(client, created);
              assertThat(current.getMetadata().getGeneration()).isGreaterThan(generation);
              assertThat(current.getStatus().getObservedGeneration())
                  .isEqualTo(current.getMetadata().getGeneration());
              assertThat(condition(current, "Accepted"))
                  .get()
                  .extracting(Condition::getObservedGeneration)
                  .isEqualTo(current.getMetadata().getGeneration());
            });
  }

  /** A job admitted and waiting for its pods: the state a resync finds most of the time. */
  private FineTuneJob admittedJob() {
    startOperator(Duration.ofHours(1));
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    client.resource(Fixtures.minioCredentials()).create();
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();
    awaitCondition(client, created, "Running", "False");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().size() == 1);
    return created;
  }

  private double reconciliations() {
    return meters.getMeters().stream()
        .filter(m -> m.getId().getName().contains("reconciliations.started"))
        .filter(m -> m instanceof io.micrometer.core.instrument.Counter)
        .mapToDouble(m -> ((io.micrometer.core.instrument.Counter) m).count())
        .sum();
  }

  private List<String> requestsSoFar() throws InterruptedException {
    List<String> requests = new java.util.ArrayList<>();
    for (var r = server.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      requests.add(r.getMethod() + " " + r.getPath());
    }
    return requests;
  }

  @Test
  void steadyStateReconcileSendsNoGetOrListForWhatTheInformersHold() throws Exception {
    FineTuneJob created = admittedJob();
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
    requestsSoFar();
    double before = reconciliations();

    // A change to the training Job reaches the job's reconciler through the Job informer.
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withName("support-bot-v3-train-1")
        .edit(
            j -> {
              j.getMetadata().getLabels().put("touched", "yes");
              return j;
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations() > before);
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);

    List<String> operatorRequests =
        requestsSoFar().stream()
            // the test's own edit (a GET, then a PATCH of the Job) and watches kept open
            .filter(r -> !r.contains("/jobs/support-bot-v3-train-1"))
            .filter(r -> !r.contains("watch=true"))
            .toList();
    assertThat(reconciliations()).isGreaterThan(before);
    assertThat(operatorRequests).isEmpty();
    assertThat(current(client, created).getStatus().getJobName())
        .isEqualTo("support-bot-v3-train-1");
  }

  @Test
  void steadyStateModelVersionReconcileSendsNoGetOrListForWhatTheInformersHold() throws Exception {
    startOperator(Duration.ofHours(1));
    ModelVersion base = settled(Fixtures.baseModel("llama-3-1-8b-instruct"));
    ModelVersion adapter = settled(Fixtures.adapter("support-bot-v3", "llama-3-1-8b-instruct"));
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
    requestsSoFar();
    double before = reconciliations();

    // A change to the base reaches the adapter's reconciler through the base-models informer.
    client
        .resources(ModelVersion.class)
        .inNamespace(NAMESPACE)
        .withName(base.getMetadata().getName())
        .edit(
            v -> {
              v.getMetadata().setLabels(Map.of("touched", "yes"));
              return v;
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations() > before);
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);

    List<String> operatorRequests =
        requestsSoFar().stream()
            // the test's own edit (a GET, then a PATCH of the base) and watches kept open
            .filter(r -> !r.contains("/modelversions/" + base.getMetadata().getName()))
            .filter(r -> !r.contains("watch=true"))
            .toList();
    assertThat(reconciliations()).isGreaterThan(before);
    assertThat(operatorRequests).isEmpty();
    assertThat(condition(current(client, adapter), "Verified"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo(Condition.TRUE);
  }

  /**
   * A version the operator accepted and, as a verification Job would have let it, verified: the
   * state a resync finds a published version in.
   */
  private ModelVersion settled(ModelVersion version) {
    ModelVersion created = client.resource(version).create();
    awaitCondition(client, created, "Accepted", "True");
    // Its storage is unreachable here: once the operator said so, it does not look again soon.
    awaitCondition(client, created, "Verified", "Unknown");
    ModelVersion current = current(client, created);
    Condition verified = Fixtures.verified(version).getStatus().getConditions().get(0);
    verified.setObservedGeneration(current.getMetadata().getGeneration());
    current.getStatus().getConditions().removeIf(c -> c.getType().equals("Verified"));
    current.getStatus().getConditions().add(verified);
    return client.resource(current).updateStatus();
  }

  @Test
  void everyConditionChangeIsToldByExactlyOneEventHoweverOftenTheJobIsReconciled() {
    FineTuneJob created = admittedJob();
    for (int i = 0; i < 3; i++) {
      String value = String.valueOf(i);
      double before = reconciliations();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(NAMESPACE)
          .withName("support-bot-v3-train-1")
          .edit(
              j -> {
                j.getMetadata().getLabels().put("touched", value);
                return j;
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations() > before);
    }

    List<String> reasons =
        eventsAbout(client, created).stream().map(e -> e.getReason()).sorted().toList();
    assertThat(reasons).containsExactly("Admitted", AcceptanceReasons.VALID);
  }

  @Test
  void restartedOperatorAdoptsTheJobItCreatedBeforeItCouldWriteTheStatus() {
    startOperator(Duration.ofHours(1));
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    client.resource(Fixtures.minioCredentials()).create();
    lathe.stop();
    lathe = null;
    // The state a crash leaves: the FineTuneJob without status, its Job created, and the Job's
    // pod holding the namespace's only GPU.
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName(dev.lathe.operator.training.TrainingNames.job(created, 1))
                .withNamespace(NAMESPACE)
                .withLabels(dev.lathe.operator.training.TrainingNames.labels(created, 1))
                .addNewOwnerReference()
                .withApiVersion(created.getApiVersion())
                .withKind(created.getKind())
                .withName(created.getMetadata().getName())
                .withUid(created.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("gpus")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewStatus()
                .addToHard(
                    "requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
                .addToUsed(
                    "requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
                .endStatus()
                .build())
        .create();

    startOperator(Duration.ofHours(1));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              FineTuneJob current = current(client, created);
              // Not written yet on a loaded machine: an assertion failure, so awaitility retries.
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().getJobName()).isEqualTo("support-bot-v3-train-1");
              assertThat(condition(current, "Running")).isPresent();
            });
    assertThat(condition(current(client, created), "Queued").map(Condition::getReason))
        .isNotEqualTo(Optional.of("QuotaExceeded"));
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
  }

  @Test
  void jobNamingAMissingSecretIsRejectedWithAnEventAndAcceptedOnceTheSecretExists() {
    startOperator(Duration.ofSeconds(1));
    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));

    FineTuneJob created = client.resource(Fixtures.loraJob()).create();

    Condition rejected = awaitCondition(client, created, "Accepted", "False");
    assertThat(rejected.getReason()).isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
    assertThat(rejected.getMessage())
        .contains("spec.dataset.storage.credentialsSecret: Secret minio-credentials not found");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventsAbout(client, created))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("FineTuneJob");
                        }));

    client.resource(Fixtures.minioCredentials()).create();

    assertThat(awaitCondition(client, created, "Accepted", "True").getReason())
        .isEqualTo(AcceptanceReasons.VALID);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventsAbout(client, created))
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(AcceptanceReasons.VALID)));
  }

  @Test
  void jobWaitingForItsBaseModelIsAcceptedAsSoonAsTheModelVersionAppears() {
    // An hour between rechecks: only the ModelVersion watch can bring the job back in time.
    startOperator(Duration.ofHours(1));
    client.resource(Fixtures.minioCredentials()).create();
    FineTuneJob created = client.resource(Fixtures.loraJob()).create();
    assertThat(awaitCondition(client, created, "Accepted", "False").getReason())
        .isEqualTo(AcceptanceReasons.MODEL_VERSION_NOT_FOUND);

    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));

    awaitCondition(client, created, "Accepted", "True");
  }

  @Test
  void adapterWaitsForItsBaseAndDeploymentRefusesAnAdapterOfAnotherBase() {
    startOperator(Duration.ofHours(1));
    client.resource(Fixtures.minioCredentials()).create();
    ModelVersion adapter =
        client.resource(Fixtures.adapter("support-bot-v3", "llama-3-1-8b-instruct")).create();
    assertThat(awaitCondition(client, adapter, "Accepted", "False").getReason())
        .isEqualTo(AcceptanceReasons.MODEL_VERSION_NOT_FOUND);

    ResourceStatus.createVerified(client, Fixtures.baseModel("llama-3-1-8b-instruct"));
    awaitCondition(client, adapter, "Accepted", "True");

    ResourceStatus.createVerified(client, Fixtures.baseModel("mistral-7b"));
    ModelDeployment deployment = Fixtures.canaryDeployment();
    deployment.getSpec().setModelVersion("mistral-7b");
    deployment.getSpec().setAdapters(List.of(adapterReference("support", "support-bot-v3")));
    ModelDeployment created = client.resource(deployment).create();

    Condition refused = awaitCondition(client, created, "Accepted", "False");
    assertThat(refused.getReason()).isEqualTo(AcceptanceReasons.ADAPTER_BASE_MISMATCH);
    assertThat(refused.getMessage())
        .isEqualTo(
            "spec.adapters[0].modelVersion: adapter support-bot-v3 was trained on llama-3-1-8b-instruct, not on mistral-7b");
  }

  @Test
  void canaryExampleServingAFullModelIsAccepted() {
    startOperator(Duration.ofHours(1));
    client.resource(Fixtures.minioCredentials()).create();
    client.resource(Fixtures.baseModel("support-bot-v3")).create();

    ModelDeployment created = client.resource(Fixtures.canaryDeployment()).create();

    awaitCondition(client, created, "Accepted", "True");
    assertThat(current(client, created).getStatus().getObservedGeneration()).isNotNull();
  }

  private static dev.lathe.api.v1alpha1.AdapterReference adapterReference(
      String name, String version) {
    var reference = new dev.lathe.api.v1alpha1.AdapterReference();
    reference.setName(name);
    reference.setModelVersion(version);
    return reference;
  }
}
