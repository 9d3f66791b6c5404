package dev.lathe.operator.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.operator.Fixtures;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.storage.OperatorStorage;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing is idempotent at every step: whatever an earlier, interrupted attempt left behind
 * (signatures written, ModelVersion created), publishing again ends with one signed artifact and
 * one ModelVersion; what cannot be published says why.
 */
@EnableKubernetesMockClient(crud = true)
class ModelPublisherTest {

  KubernetesClient client;

  @TempDir Path volumes;

  private final KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
  private FineTuneJob job;
  private StorageLocation artifact;
  private ModelPublisher publisher;

  @BeforeEach
  void trainedArtifactOnAClaim() throws Exception {
    job = Fixtures.loraJob();
    job.getMetadata().setUid("0123abcd-0000-0000-0000-000000000000");
    job.getMetadata().setGeneration(1L);
    artifact = new StorageLocation();
    artifact.setUri("pvc://models/support-bot-v3/attempt-1");

    // What the trainer leaves: files, inputs, result, then the unsigned statement.
    Path model = Files.createTempDirectory("adapter");
    Files.writeString(model.resolve("adapter_config.json"), "{\"r\": 16}");
    Files.write(model.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
    FilesystemStore store =
        new FilesystemStore(
            volumes.resolve(Fixtures.NAMESPACE).resolve("models/support-bot-v3/attempt-1"));
    store.write(
        "lathe/inputs.json",
        ("{\"baseModel\": {\"uri\": \"s3://models/llama\", \"digest\": \"sha256:"
                + "a".repeat(64)
                + "\"}, \"dataset\": {\"uri\": \"s3://data/train.jsonl\", \"digest\": \"sha256:"
                + "b".repeat(64)
                + "\"}}")
            .getBytes());
    store.write("lathe/result.json", "{\"trainLoss\": 0.5, \"method\": \"lora\"}".getBytes());
    new ArtifactPublisher(store).upload(model, "support-bot", "", ModelHasher.files());

    WorkloadSettings settings =
        WorkloadSettings.fromEnvironment(
            Map.of(
                "LATHE_OPERATOR_NAMESPACE",
                "lathe-system",
                "LATHE_VOLUME_ROOT",
                volumes.toString()));
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("lathe-signing-key")
                .withNamespace("lathe-system")
                .endMetadata()
                // As the API server returns it: the mock server does not fold stringData in.
                .addToData(
                    WorkloadSettings.SIGNING_KEY_FILE,
                    java.util.Base64.getEncoder()
                        .encodeToString(SigningKeys.privateKeyPem(key.getPrivate()).getBytes()))
                .build())
        .create();
    publisher =
        new ModelPublisher(
            client,
            new OperatorStorage(client, settings.volumeRoot()),
            new OperatorKeys(client, settings, () -> java.util.Optional.empty()));
  }

  private ModelPublisher.Published publish() {
    return publisher.publish(
        job,
        artifact,
        "support-bot",
        "registry.example/trainer@sha256:" + "c".repeat(64),
        Instant.parse("2026-11-25T10:00:00Z"),
        Instant.parse("2026-11-25T11:00:00Z"));
  }

  private FilesystemStore store() {
    return new FilesystemStore(
        volumes.resolve(Fixtures.NAMESPACE).resolve("models/support-bot-v3/attempt-1"));
  }

  @Test
  void publishedArtifactVerifiesWithItsLineageAndTheModelVersionPointsAtIt() {
    ModelPublisher.Published published = publish();

    var verified =
        new ArtifactVerifier(new TrustPolicy().trust(key.getPublic()))
            .verify(store(), "", Fixtures.NAMESPACE);
    assertThat(verified.manifestDigest()).isEqualTo(published.manifestDigest());
    assertThat(verified.provenance().orElseThrow().parents()).containsExactly("a".repeat(64));
    assertThat(published.metrics()).containsExactly(Map.entry("trainLoss", 0.5));
    ModelVersion version =
        client
            .resources(ModelVersion.class)
            .inNamespace(Fixtures.NAMESPACE)
            .withName("support-bot-v3")
            .get();
    assertThat(version.getSpec().getSource().getStorage().getUri()).isEqualTo(artifact.getUri());
    assertThat(version.getSpec().getSource().getFineTuneJob().getUid())
        .isEqualTo(job.getMetadata().getUid());
    assertThat(version.getSpec().getBase()).isEqualTo("llama-3-1-8b-instruct");
    assertThat(version.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  @Test
  void publishingAgainAfterAnyInterruptionEndsWithOneModelVersionAndTheSameSignature()
      throws Exception {
    publish();
    byte[] signature = store().read("model.sig").orElseThrow();

    // Interrupted after creating the ModelVersion, before the status said so: run again.
    ModelPublisher.Published again = publish();

    assertThat(again.modelVersion()).isEqualTo("support-bot-v3");
    assertThat(store().read("model.sig"))
        .hasValueSatisfying(s -> assertThat(s).isEqualTo(signature));
    assertThat(
            client.resources(ModelVersion.class).inNamespace(Fixtures.NAMESPACE).list().getItems())
        .hasSize(1);
  }

  @Test
  void aModelVersionOfTheSameNameFromElsewhereIsAPermanentFailureThatKeepsTheSignedArtifact()
      throws Exception {
    client.resource(Fixtures.baseModel("support-bot-v3")).create();

    assertThatThrownBy(this::publish)
        .isInstanceOfSatisfying(
            ModelPublisher.PublishingFailed.class,
            e -> {
              assertThat(e.reason()).isEqualTo(AcceptanceReasons.OUTPUT_NAME_TAKEN);
              assertThat(e.permanent()).isTrue();
              assertThat(e.getMessage())
                  .contains("the signed artifact stays at " + artifact.getUri());
            });
    assertThat(store().read("model.sig")).isPresent();
  }

  @Test
  void anUploadThatNeverFinishedIsNotSigned() throws Exception {
    store().delete("lathe/statement.json");

    assertThatThrownBy(this::publish)
        .isInstanceOfSatisfying(
            ModelPublisher.PublishingFailed.class,
            e -> {
              assertThat(e.reason()).isEqualTo("ArtifactIncomplete");
              assertThat(e.getMessage()).contains("its upload did not complete");
            });
    assertThat(store().read("model.sig")).isEmpty();
  }

  @Test
  void withoutTheSigningKeyNothingIsWrittenAndTheReasonNamesTheSecret() throws Exception {
    client.secrets().inNamespace("lathe-system").withName("lathe-signing-key").delete();

    assertThatThrownBy(this::publish)
        .isInstanceOf(OperatorKeys.SigningKeyUnavailable.class)
        .hasMessageContaining("lathe-system/lathe-signing-key does not exist");
    assertThat(store().read("model.sig")).isEmpty();
    assertThat(store().list("lathe")).doesNotContain("lathe/provenance.sig");
  }
}
