package dev.lathe.operator.finetunejob;

import static dev.lathe.operator.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.EnvVariable;
import dev.lathe.api.v1alpha1.EnvVariableSource;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobReference;
import dev.lathe.api.v1alpha1.KeyReference;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainerSpec;
import dev.lathe.operator.Fixtures;
import dev.lathe.operator.references.TestingReferenceLookup;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FineTuneJobAcceptanceTest {

  private static final FineTuneJobAcceptance.Capabilities CAPABLE =
      new FineTuneJobAcceptance.Capabilities(true, true);

  private final TestingReferenceLookup cluster =
      new TestingReferenceLookup()
          .with(Fixtures.verified(Fixtures.baseModel("llama-3-1-8b-instruct")))
          .with(Fixtures.minioCredentials());

  private Acceptance decide(FineTuneJob job) {
    return new FineTuneJobAcceptance(cluster, CAPABLE).decide(job);
  }

  @Test
  void exampleJobIsAcceptedWhenItsBaseModelAndSecretExist() {
    Acceptance acceptance = decide(Fixtures.loraJob());

    assertThat(acceptance.accepted()).as(acceptance.problems().toString()).isTrue();
    assertThat(acceptance.toCondition("Accepted", 3).getStatus()).isEqualTo("True");
    assertThat(acceptance.toCondition("Accepted", 3).getObservedGeneration()).isEqualTo(3);
  }

  @Test
  void missingBaseModelVersionIsRejectedAndWaitedFor() {
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getBaseModel().setModelVersion("mistral-7b");

    Acceptance acceptance = decide(job);

    assertThat(acceptance.accepted()).isFalse();
    assertThat(acceptance.waitsOnOtherObjects()).isTrue();
    assertThat(acceptance.problems().get(0).reason())
        .isEqualTo(AcceptanceReasons.MODEL_VERSION_NOT_FOUND);
    assertThat(acceptance.problems().get(0).message())
        .isEqualTo(
            "spec.baseModel.modelVersion: ModelVersion mistral-7b not found in namespace "
                + NAMESPACE);
  }

  @Test
  void adapterAsBaseModelIsRejectedAndNamesItsBase() {
    cluster.with(Fixtures.adapter("support-bot-v2", "llama-3-1-8b-instruct"));
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getBaseModel().setModelVersion("support-bot-v2");

    Acceptance acceptance = decide(job);

    assertThat(acceptance.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.WRONG_MODEL_FORMAT);
              assertThat(p.message()).contains("use its base llama-3-1-8b-instruct");
              assertThat(p.waitsOnOtherObjects()).isFalse();
            });
  }

  @Test
  void missingCredentialsSecretIsRejectedForEveryLocationThatNamesIt() {
    TestingReferenceLookup noSecret =
        new TestingReferenceLookup()
            .with(Fixtures.verified(Fixtures.baseModel("llama-3-1-8b-instruct")));

    Acceptance acceptance = new FineTuneJobAcceptance(noSecret, CAPABLE).decide(Fixtures.loraJob());

    assertThat(acceptance.problems())
        .extracting(Problem::message)
        .containsExactly(
            "spec.dataset.storage.credentialsSecret: Secret minio-credentials not found in namespace ml-platform",
            "spec.output.storage.credentialsSecret: Secret minio-credentials not found in namespace ml-platform");
    assertThat(acceptance.toCondition("Accepted", 1).getReason())
        .isEqualTo(AcceptanceReasons.SECRET_NOT_FOUND);
    assertThat(acceptance.toCondition("Accepted", 1).getMessage()).contains("; ");
  }

  @Test
  void secretWithoutTheS3KeysIsRejectedNamingTheMissingKey() {
    cluster.with(
        new SecretBuilder()
            .withNewMetadata()
            .withName("minio-credentials")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .addToStringData("AWS_ACCESS_KEY_ID", "lathe")
            .build());

    Acceptance acceptance = decide(Fixtures.loraJob());

    assertThat(acceptance.problems())
        .first()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.SECRET_INCOMPLETE);
              assertThat(p.message()).endsWith("lacks the key(s) AWS_SECRET_ACCESS_KEY");
            });
  }

  @Test
  void missingVolumeClaimIsRejectedAndAcceptedOnceItExists() {
    FineTuneJob job = Fixtures.loraJob();
    StorageLocation onVolume = new StorageLocation();
    onVolume.setUri("pvc://training-data/support/train.jsonl");
    job.getSpec().getDataset().setStorage(onVolume);

    assertThat(decide(job).problems())
        .extracting(Problem::reason, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AcceptanceReasons.VOLUME_CLAIM_NOT_FOUND,
                "spec.dataset.storage.uri: PersistentVolumeClaim training-data not found in namespace ml-platform"));

    cluster.withClaim(NAMESPACE, "training-data");
    assertThat(decide(job).accepted()).isTrue();
  }

  @Test
  void memoryThatIsNotAQuantityIsAnInvalidSpec() {
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getResources().setMemory(new Quantity("lots"));

    Acceptance acceptance = decide(job);

    assertThat(acceptance.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.INVALID_SPEC);
              assertThat(p.message())
                  .startsWith("spec.resources.memory: \"lots\" is not a Kubernetes quantity");
              assertThat(p.waitsOnOtherObjects()).isFalse();
            });
  }

  @Test
  void zeroCpuIsAnInvalidSpec() {
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getResources().setCpu(new Quantity("0"));

    assertThat(decide(job).problems())
        .extracting(Problem::message)
        .containsExactly("spec.resources.cpu: \"0\" must be greater than zero");
  }

  @Test
  void trainerEnvironmentSetTwiceOrReadingAMissingKeyIsRejected() {
    FineTuneJob job = Fixtures.loraJob();
    EnvVariable first = env("WANDB_PROJECT", "support");
    EnvVariable again = env("WANDB_PROJECT", "support-2");
    EnvVariable fromSecret = new EnvVariable();
    fromSecret.setName("WANDB_API_KEY");
    KeyReference key = new KeyReference();
    key.setName("minio-credentials");
    key.setKey("WANDB_API_KEY");
    EnvVariableSource source = new EnvVariableSource();
    source.setSecretKeyRef(key);
    fromSecret.setValueFrom(source);
    TrainerSpec trainer = new TrainerSpec();
    trainer.setEnv(List.of(first, again, fromSecret));
    job.getSpec().setTrainer(trainer);

    assertThat(decide(job).problems())
        .extracting(Problem::message)
        .containsExactly(
            "spec.trainer.env[1].name: WANDB_PROJECT is set twice",
            "spec.trainer.env[2].valueFrom.secretKeyRef: Secret minio-credentials has no key WANDB_API_KEY");
  }

  @Test
  void outputNameOfAnotherModelVersionIsRejectedButItsOwnIsNot() {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setUid("0b7c7a52-1111-2222-3333-444455556666");
    ModelVersion published = Fixtures.baseModel("support-bot-v3");
    cluster.with(published);

    assertThat(decide(job).problems())
        .extracting(Problem::reason)
        .containsExactly(AcceptanceReasons.OUTPUT_NAME_TAKEN);

    FineTuneJobReference producer = new FineTuneJobReference();
    producer.setName(job.getMetadata().getName());
    producer.setUid(job.getMetadata().getUid());
    published.getSpec().getSource().setStorage(null);
    published.getSpec().getSource().setFineTuneJob(producer);
    assertThat(decide(job).accepted()).isTrue();
  }

  private static EnvVariable env(String name, String value) {
    EnvVariable variable = new EnvVariable();
    variable.setName(name);
    variable.setValue(value);
    return variable;
  }

  @Test
  void unverifiedBaseModelVersionIsWaitedForWithItsVerificationReason() {
    ModelVersion base = Fixtures.baseModel("llama-3-1-8b-instruct");
    base.setStatus(new dev.lathe.api.v1alpha1.ModelVersionStatus());
    base.getStatus()
        .getConditions()
        .add(new dev.lathe.api.v1alpha1.Condition("Verified", "False", "Unsigned", "no signature"));
    cluster.with(base);

    Acceptance acceptance = decide(Fixtures.loraJob());

    assertThat(acceptance.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.BASE_MODEL_NOT_VERIFIED);
              assertThat(p.message()).contains("(Unsigned: no signature)");
              assertThat(p.waitsOnOtherObjects()).isTrue();
            });
  }

  @Test
  void loraFromARawStorageBaseIsRefusedBecauseTheAdapterNeedsABaseModelVersion() {
    FineTuneJob job = Fixtures.loraJob();
    StorageLocation raw = new StorageLocation();
    raw.setUri("s3://models/llama-raw");
    raw.setCredentialsSecret("minio-credentials");
    job.getSpec().getBaseModel().setModelVersion(null);
    job.getSpec().getBaseModel().setStorage(raw);

    assertThat(decide(job).problems())
        .extracting(Problem::reason)
        .containsExactly(AcceptanceReasons.INVALID_SPEC);
    assertThat(decide(job).problems().get(0).message())
        .contains("import it (a ModelVersion with spec.source.storage)");
  }

  @Test
  void jobWithoutOutputStorageIsRefusedWhenTheOperatorHasNoDefaultStore() {
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getOutput().setStorage(null);

    Acceptance acceptance =
        new FineTuneJobAcceptance(cluster, new FineTuneJobAcceptance.Capabilities(false, true))
            .decide(job);

    assertThat(acceptance.problems())
        .extracting(Problem::reason)
        .containsExactly(AcceptanceReasons.NO_OUTPUT_STORAGE);
    assertThat(decide(job).accepted()).isTrue();
  }

  @Test
  void claimOutputIsRefusedWhenTheOperatorCannotReadClaims() {
    FineTuneJob job = Fixtures.loraJob();
    StorageLocation claim = new StorageLocation();
    claim.setUri("pvc://models/out");
    job.getSpec().getOutput().setStorage(claim);
    cluster.withClaim(NAMESPACE, "models");

    Acceptance acceptance =
        new FineTuneJobAcceptance(cluster, new FineTuneJobAcceptance.Capabilities(true, false))
            .decide(job);

    assertThat(acceptance.problems())
        .extracting(Problem::reason)
        .containsExactly(AcceptanceReasons.OUTPUT_UNREACHABLE);
  }

  @Test
  void multiNodeJobNeedsItsOwnTrainerImage() {
    FineTuneJob job = Fixtures.loraJob();
    job.getSpec().getResources().setNodes(2);
    job.getSpec().getResources().setGpusPerNode(8);
    job.getSpec().setTrainer(null);

    assertThat(decide(job).problems().get(0).message())
        .startsWith("spec.resources.nodes: Lathe's default trainer trains on one node");

    job.getSpec().setTrainer(new dev.lathe.api.v1alpha1.TrainerSpec());
    job.getSpec()
        .getTrainer()
        .setImage("registry.example/torchrun-trainer@sha256:" + "a".repeat(64));
    assertThat(decide(job).accepted()).isTrue();
  }
}
