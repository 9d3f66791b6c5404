package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant in namespace {@code attacker} tries, through every door a manifest opens, to make the
 * operator read, overwrite or delete namespace {@code victim}'s model files: claim paths that
 * climb, symbolic links planted in its own claim, S3 locations borrowing the operator's own
 * credentials or another namespace's Secret, a FineTuneJob output aimed at the victim, and the
 * Delete policy on all of them. Every attempt is refused with a reason, and the victim's files are
 * byte for byte what they were. Real control plane and operator; S3 is s3proxy over loopback; the
 * operator sees claims under a local volume root, as in the sandbox. The operator holds ambient S3
 * credentials that reach every bucket, as an operator with an instance role would.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageTenancyIT {

  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String DELETE = "lathe.dev/artifact-deletion-policy";

  private final KubernetesClient client;
  private Path volumes;
  private LoopbackS3 s3;
  private LatheOperator lathe;
  private KeyPair key;
  private Map<String, String> victimS3Before;
  private Map<String, String> victimClaimBefore;
  private String lastUid;

  StorageTenancyIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeAll
  void victimPublishesItsModelsAndTheOperatorStarts() throws Exception {
    volumes = Files.createTempDirectory("lathe-tenancy-volumes");
    s3 = new LoopbackS3();
    for (String ns : List.of("victim", "attacker", OPERATOR_NAMESPACE)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    client.resource(Fixtures.signingKeySecret(OPERATOR_NAMESPACE, key)).serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-credentials")
                .withNamespace("victim")
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", LoopbackS3.ACCESS_KEY)
                .addToStringData("AWS_SECRET_ACCESS_KEY", LoopbackS3.SECRET_KEY)
                .build())
        .serverSideApply();
    claim("attacker", "scratch");
    claim("victim", "models");

    // The victim's production model, signed, in S3 and on its claim.
    Path model = Files.createDirectories(volumes.resolve("_sources/victim-model"));
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(model.resolve("model.safetensors"), "the victim's weights");
    new ArtifactPublisher(s3.store("models", "victim/prod"))
        .publish(model, "prod", "", ModelHasher.files(), key, Optional.empty());
    Path victimClaim = Files.createDirectories(volumes.resolve("victim/models"));
    new ArtifactPublisher(new FilesystemStore(victimClaim))
        .publish(model, "prod", "prod", ModelHasher.files(), key, Optional.empty());
    Files.createDirectories(volumes.resolve("attacker/scratch"));
    victimS3Before = digests(s3.store("models", "victim"));
    victimClaimBefore = digests(new FilesystemStore(victimClaim));
    assertThat(victimS3Before).containsKey("prod/model.sig");
    assertThat(victimClaimBefore).containsKey("prod/model.safetensors");

    // Ambient credentials that reach every bucket: what an instance role or IRSA gives.
    System.setProperty("aws.accessKeyId", LoopbackS3.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LoopbackS3.SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.of("victim", "attacker"),
            0,
            "127.0.0.1",
            Duration.ofSeconds(2),
            WorkloadSettings.fromEnvironment(
                Map.of(
                    "LATHE_OPERATOR_NAMESPACE",
                    OPERATOR_NAMESPACE,
                    "LATHE_VOLUME_ROOT",
                    volumes.toString(),
                    "LATHE_TRAINER_IMAGE",
                    "registry.local/lathe-trainer:it")));
    lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(30)).until(lathe::isReady);
  }

  @AfterAll
  void stop() throws Exception {
    if (lathe != null) {
      lathe.stop();
    }
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
    if (s3 != null) {
      s3.close();
    }
  }

  @AfterEach
  void victimsFilesAreByteForByteUnchanged() throws Exception {
    assertThat(digests(s3.store("models", "victim"))).isEqualTo(victimS3Before);
    assertThat(digests(new FilesystemStore(volumes.resolve("victim/models"))))
        .isEqualTo(victimClaimBefore);
  }

  @Test
  void aClaimPathThatClimbsIsRefusedByTheApiServerAndAnOlderSuchObjectByTheOperator()
      throws Exception {
    String climbing = "pvc://scratch/../../victim/models/prod";
    assertThatThrownBy(() -> client.resource(modelVersion("climb", climbing, null)).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.source.storage")
        .hasMessageContaining("cannot climb out of its claim");

    // An object stored before the rule existed (or by a client around it): the operator refuses
    // it on its own, and its Delete policy deletes nothing.
    withoutTheUriRule(() -> client.resource(modelVersion("climb", climbing, null)).create());
    ModelVersion refused = awaitReason("climb", "Accepted", AcceptanceReasons.UNSAFE_STORAGE_PATH);
    assertThat(condition(refused, "Accepted").orElseThrow().getMessage())
        .startsWith("spec.source.storage.uri: ")
        .contains("'..' segment");
    deleteAndAwaitGone("climb");
    assertThat(eventMessages("climb"))
        .anySatisfy(m -> assertThat(m).contains("kept every file").contains("never accepted"))
        .noneSatisfy(m -> assertThat(m).contains("deleted"));
  }

  @Test
  void aSymbolicLinkPlantedInTheTenantsOwnClaimIsNeverFollowed() throws Exception {
    Files.createSymbolicLink(
        volumes.resolve("attacker/scratch/linked"), volumes.resolve("victim/models/prod"));

    client.resource(modelVersion("linked", "pvc://scratch/linked", null)).create();

    ModelVersion refused = awaitReason("linked", "Verified", AcceptanceReasons.UNSAFE_STORAGE_PATH);
    assertThat(condition(refused, "Verified").orElseThrow().getMessage()).contains("symbolic link");
    assertThat(refused.getStatus().getArtifact()).isNull();
    deleteAndAwaitGone("linked");
    assertThat(eventMessages("linked"))
        .anySatisfy(m -> assertThat(m).contains("kept every file").contains("never verified"));
  }

  @Test
  void theOperatorsOwnCredentialsServeATenantOnlyWhereTheStoragePolicySays() throws Exception {
    client.resource(modelVersion("borrowed", "s3://models/victim/prod", null)).create();
    ModelVersion refused =
        awaitReason("borrowed", "Accepted", AcceptanceReasons.AMBIENT_CREDENTIALS_NOT_ALLOWED);
    assertThat(condition(refused, "Accepted").orElseThrow().getMessage())
        .startsWith("spec.source.storage.credentialsSecret: ")
        .contains("does not let namespace attacker use the operator's own credentials");
    assertThat(refused.getStatus().getSignature()).as("nothing was read").isNull();

    // The platform team grants each namespace its own prefix: the attacker's own import is now
    // served by the operator's credentials, the victim's prefix still is not.
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("lathe-storage-policy")
                .withNamespace(OPERATOR_NAMESPACE)
                .endMetadata()
                .addToData("own.prefixes", "s3://models/{namespace}")
                .addToData("own.namespaces", "*")
                .addToData("own.endpoint", s3.endpoint().toString())
                .build())
        .serverSideApply();
    client.resource(modelVersion("own", "s3://models/attacker/own", null)).create();
    ModelVersion own = awaitReason("own", "Verified", "Unsigned");
    assertThat(condition(own, "Accepted").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(condition(client.resource(refused).get(), "Accepted").orElseThrow().getReason())
        .isEqualTo(AcceptanceReasons.AMBIENT_CREDENTIALS_NOT_ALLOWED);

    deleteAndAwaitGone("borrowed");
    deleteAndAwaitGone("own");
    client.configMaps().inNamespace(OPERATOR_NAMESPACE).withName("lathe-storage-policy").delete();
  }

  @Test
  void aTenantCannotNameAnotherNamespacesSecret() {
    client.resource(modelVersion("stolen", "s3://models/victim/prod", "s3-credentials")).create();

    ModelVersion refused = awaitReason("stolen", "Accepted", AcceptanceReasons.SECRET_NOT_FOUND);
    assertThat(condition(refused, "Accepted").orElseThrow().getMessage())
        .contains("not found in namespace attacker");
    deleteAndAwaitGone("stolen");
  }

  @Test
  void aFineTuneJobCannotAimItsOutputAtAnotherNamespace() throws Exception {
    assertThatThrownBy(
            () ->
                client
                    .resource(job("into-claim", "{uri: 'pvc://scratch/../../victim/models'}"))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.output.storage");

    client
        .resource(
            job(
                "into-bucket",
                "{uri: 's3://models/victim', endpoint: '" + s3.endpoint() + "', pathStyle: true}"))
        .create();
    FineTuneJob refused =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    client
                        .resources(FineTuneJob.class)
                        .inNamespace("attacker")
                        .withName("into-bucket")
                        .get(),
                j ->
                    j.getStatus() != null
                        && j.getStatus().getConditions().stream()
                            .anyMatch(
                                c ->
                                    c.getType().equals("Accepted")
                                        && AcceptanceReasons.AMBIENT_CREDENTIALS_NOT_ALLOWED.equals(
                                            c.getReason())));
    assertThat(refused.getStatus().getConditions())
        .anySatisfy(
            c -> assertThat(c.getMessage()).contains("spec.output.storage.credentialsSecret"));
    assertThat(client.batch().v1().jobs().inNamespace("attacker").list().getItems()).isEmpty();
    client.resource(refused).delete();
  }

  @Test
  void aTruncatedSignatureIsAVerdictNotAStorageOutage() throws Exception {
    Path own = Files.createDirectories(volumes.resolve("attacker/scratch/truncated"));
    Path model = Files.createDirectories(volumes.resolve("_sources/truncated-model"));
    Files.writeString(model.resolve("config.json"), "{}");
    new ArtifactPublisher(new FilesystemStore(own))
        .publish(model, "t", "", ModelHasher.files(), key, Optional.empty());
    byte[] signature = Files.readAllBytes(own.resolve("model.sig"));
    Files.write(own.resolve("model.sig"), java.util.Arrays.copyOf(signature, signature.length / 2));

    client.resource(modelVersion("truncated", "pvc://scratch/truncated", null)).create();

    ModelVersion refused = awaitReason("truncated", "Verified", "MalformedStatement");
    assertThat(condition(refused, "Verified").orElseThrow().getMessage()).startsWith("model.sig: ");
    deleteAndAwaitGone("truncated");
  }

  private void claim(String namespace, String name) {
    client
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .serverSideApply();
  }

  private ModelVersion modelVersion(String name, String uri, String secret) {
    String storage =
        uri.startsWith("s3://")
            ? "{uri: '"
                + uri
                + "', endpoint: '"
                + s3.endpoint()
                + "', pathStyle: true"
                + (secret == null ? "" : ", credentialsSecret: " + secret)
                + "}"
            : "{uri: '" + uri + "'}";
    return Serialization.unmarshal(
        "apiVersion: lathe.dev/v1alpha1\n"
            + "kind: ModelVersion\n"
            + "metadata:\n"
            + "  name: "
            + name
            + "\n"
            + "  namespace: attacker\n"
            + "  annotations: {"
            + DELETE
            + ": Delete}\n"
            + "spec:\n"
            + "  modelName: "
            + name
            + "\n"
            + "  format: hf-safetensors\n"
            + "  source:\n"
            + "    storage: "
            + storage
            + "\n",
        ModelVersion.class);
  }

  private FineTuneJob job(String name, String output) {
    return Serialization.unmarshal(
        "apiVersion: lathe.dev/v1alpha1\n"
            + "kind: FineTuneJob\n"
            + "metadata: {name: "
            + name
            + ", namespace: attacker}\n"
            + "spec:\n"
            + "  baseModel: {storage: {uri: 'pvc://scratch/base'}}\n"
            + "  dataset: {format: completion-jsonl, storage: {uri: 'pvc://scratch/train.jsonl'}}\n"
            + "  method: {type: full}\n"
            + "  output:\n"
            + "    storage: "
            + output
            + "\n",
        FineTuneJob.class);
  }

  /**
   * Runs {@code create} while the CRD lacks the rule that refuses climbing URIs, as a cluster did
   * before this release; the rule is back before this returns.
   */
  private void withoutTheUriRule(Runnable create) {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    CustomResourceDefinition original = crds.withName("modelversions.lathe.dev").get();
    CustomResourceDefinition relaxed = Serialization.clone(original);
    JSONSchemaProps storage =
        relaxed
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("source")
            .getProperties()
            .get("storage");
    storage.getXKubernetesValidations().removeIf(r -> r.getMessage().startsWith("uri may not"));
    crds.resource(relaxed).update();
    try {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(create::run);
    } finally {
      CustomResourceDefinition current = crds.withName("modelversions.lathe.dev").get();
      original.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      crds.resource(original).update();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try {
                  client
                      .resource(modelVersion("probe", "pvc://scratch/../x", null))
                      .dryRun()
                      .create();
                  return false;
                } catch (KubernetesClientException e) {
                  return e.getCode() == 422;
                }
              });
    }
  }

  private ModelVersion awaitReason(String name, String type, String reason) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> client.resources(ModelVersion.class).inNamespace("attacker").withName(name).get(),
            v ->
                v != null
                    && condition(v, type).map(c -> reason.equals(c.getReason())).orElse(false));
  }

  private static Optional<Condition> condition(ModelVersion version, String type) {
    if (version == null || version.getStatus() == null) {
      return Optional.empty();
    }
    return version.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private void deleteAndAwaitGone(String name) {
    var resource = client.resources(ModelVersion.class).inNamespace("attacker").withName(name);
    String uid = resource.get().getMetadata().getUid();
    resource.delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> resource.get() == null);
    this.lastUid = uid;
  }

  /** The Events about the ModelVersion last deleted under this name. */
  private List<String> eventMessages(String name) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.v1().events().inNamespace("attacker").list().getItems().stream()
                    .filter(e -> lastUid.equals(e.getInvolvedObject().getUid()))
                    .map(Event::getMessage)
                    .toList(),
            messages -> messages.stream().anyMatch(m -> m.contains("kept every file")));
  }

  private static Map<String, String> digests(ArtifactStore store) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    for (String key : store.list("")) {
      byte[] content = store.read(key).orElseThrow();
      digests.put(
          key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }
    return digests;
  }
}
