package dev.lathe.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainerSpec;
import dev.lathe.artifact.contract.FetchPlan;
import dev.lathe.artifact.contract.TrainerEnvironment;
import dev.lathe.artifact.contract.TrainingPodPaths;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrainingJobBuilderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static FineTuneJob job() {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setUid("0123abcd-4567-89ef-0123-456789abcdef");
    job.getMetadata().setGeneration(1L);
    return job;
  }

  private static TrainingInputs inputs(FineTuneJob job, boolean suspended) {
    StorageLocation base = new StorageLocation();
    base.setUri("s3://models/llama-3-1-8b-instruct");
    base.setEndpoint("https://minio.storage.svc:9000");
    base.setPathStyle(true);
    base.setCredentialsSecret("minio-credentials");
    StorageLocation output = TrainingJobBuilder.copy(job.getSpec().getOutput().getStorage());
    output.setUri(output.getUri() + "/" + TrainingNames.attemptPrefix(job, 1));
    return new TrainingInputs(
        1,
        base,
        true,
        Optional.of("sha256:" + "b".repeat(64)),
        output,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "registry.example/lathe-trainer@sha256:" + "c".repeat(64),
        "registry.example/lathe-trainer@sha256:" + "c".repeat(64),
        15,
        suspended);
  }

  private static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void singleNodeJobAsksForTheGpusOnTheNamedProductWithTheGpuToleration() {
    FineTuneJob ftj = job();
    Job job = TrainingJobBuilder.build(ftj, inputs(ftj, false));
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container trainer = pod.getContainers().get(0);

    assertThat(job.getMetadata().getName()).isEqualTo("support-bot-v3-train-1");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(ftj.getMetadata().getUid()));
    assertThat(trainer.getResources().getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
    assertThat(trainer.getResources().getRequests().get("cpu").getAmount()).isEqualTo("8");
    assertThat(trainer.getResources().getLimits().get("memory").toString()).isEqualTo("64Gi");
    assertThat(pod.getNodeSelector())
        .containsExactly(Map.entry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(t.getOperator()).isEqualTo("Exists");
            });
    assertThat(job.getSpec().getCompletionMode()).isNull();
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(TrainingJobBuilder.DEFAULT_BACKOFF_LIMIT);
    assertThat(job.getSpec().getSuspend()).isFalse();
    assertThat(job.getSpec().getPodFailurePolicy().getRules())
        .singleElement()
        .satisfies(r -> assertThat(r.getAction()).isEqualTo("Ignore"));
  }

  @Test
  void podsRunRestrictedWithCheckpointsOnTheJobsClaimAndNoServiceAccountToken() {
    FineTuneJob ftj = job();
    PodSpec pod =
        TrainingJobBuilder.build(ftj, inputs(ftj, false)).getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    for (Container c : pod.getInitContainers()) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }
    assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
        .isTrue();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("checkpoints");
              assertThat(v.getPersistentVolumeClaim().getClaimName())
                  .isEqualTo("support-bot-v3-checkpoints");
            });
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getSecret()).isNotNull();
              assertThat(v.getSecret().getSecretName()).isEqualTo("minio-credentials");
            });
  }

  @Test
  void trainerGetsTheContractEnvironmentAndTheAttemptsOutputAddress() throws Exception {
    FineTuneJob ftj = job();
    Container trainer =
        TrainingJobBuilder.build(ftj, inputs(ftj, false))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    Map<String, EnvVar> env = env(trainer);

    assertThat(trainer.getArgs()).containsExactly("train");
    assertThat(env.get("LATHE_BASE_MODEL_DIR").getValue()).isEqualTo("/work/base");
    assertThat(env.get("LATHE_DATASET_FORMAT").getValue()).isEqualTo("chat-jsonl");
    assertThat(env.get("LATHE_EVAL_FRACTION").getValue()).isEqualTo("0.05");
    assertThat(env.get("LATHE_CHECKPOINT_DIR").getValue()).isEqualTo("/checkpoints");
    assertThat(env.get("LATHE_MODEL_NAME").getValue()).isEqualTo("support-bot");
    assertThat(env.get("LATHE_PROGRESS_INTERVAL_SECONDS").getValue()).isEqualTo("15");
    JsonNode settings = JSON.readTree(env.get("LATHE_HYPERPARAMETERS").getValue());
    assertThat(settings.path("method").path("type").asText()).isEqualTo("lora");
    assertThat(settings.path("hyperparameters").path("learningRate").asDouble()).isEqualTo(2e-4);
    StoreAddress output = StoreAddress.fromJson(env.get("LATHE_OUTPUT_STORAGE").getValue());
    assertThat(output.uri()).isEqualTo("s3://models/fine-tuned/support-bot-v3-0123abcd/attempt-1");
    assertThat(output.credentialsDirectory())
        .isEqualTo("/var/run/lathe/credentials/minio-credentials");
    assertThat(trainer.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/checkpoints"));
  }

  @Test
  void fetchStepVerifiesASignedBaseAndSplitsTheDatasetObjectFromItsPrefix() throws Exception {
    FineTuneJob ftj = job();
    Container fetch =
        TrainingJobBuilder.build(ftj, inputs(ftj, false))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getInitContainers()
            .get(0);
    Map<String, EnvVar> env = env(fetch);
    JsonNode plan = JSON.readTree(env.get("LATHE_FETCH_PLAN").getValue());

    assertThat(fetch.getArgs()).containsExactly("fetch");
    assertThat(plan.path("namespace").asText()).isEqualTo("ml-platform");
    assertThat(plan.path("baseModel").path("verify").asBoolean()).isTrue();
    assertThat(plan.path("baseModel").path("expectedDigest").asText()).startsWith("sha256:bbbb");
    assertThat(plan.path("baseModel").path("address").path("uri").asText())
        .isEqualTo("s3://models/llama-3-1-8b-instruct");
    assertThat(plan.path("dataset").path("address").path("uri").asText())
        .isEqualTo("s3://datasets/support/2026-11");
    assertThat(plan.path("dataset").path("key").asText()).isEqualTo("train.jsonl");
    assertThat(env.get("LATHE_TRUSTED_KEYS").getValue()).contains("BEGIN PUBLIC KEY");
    assertThat(fetch.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void theFetchPlanReadsBackThroughTheFetchStepsReaderWithEachItemWhereTheTrainerLooks() {
    FineTuneJob ftj = job();
    PodSpec pod =
        TrainingJobBuilder.build(ftj, inputs(ftj, false)).getSpec().getTemplate().getSpec();
    Map<String, EnvVar> fetchEnv = env(pod.getInitContainers().get(0));
    Map<String, EnvVar> trainerEnv = env(pod.getContainers().get(0));

    FetchPlan plan = FetchPlan.fromJson(fetchEnv.get(TrainerEnvironment.FETCH_PLAN).getValue());

    assertThat(plan.baseModel().target())
        .isEqualTo(trainerEnv.get(TrainerEnvironment.BASE_MODEL_DIR).getValue())
        .isEqualTo(TrainingPodPaths.BASE_MODEL);
    assertThat(plan.dataset().target())
        .isEqualTo(trainerEnv.get(TrainerEnvironment.DATASET).getValue());
    assertThat(plan.inputs()).isEqualTo(trainerEnv.get(TrainerEnvironment.INPUTS_FILE).getValue());
    assertThat(plan.dataset().uri()).isEqualTo("s3://datasets/support/2026-11/train.jsonl");
  }

  @Test
  void multiNodeJobIsIndexedWithTheTorchrunRendezvousOnItsHeadlessService() {
    FineTuneJob ftj = job();
    ftj.getSpec().getResources().setNodes(4);
    ftj.getSpec().getResources().setGpusPerNode(8);
    ftj.getSpec().setTrainer(new TrainerSpec());
    ftj.getSpec().getTrainer().setImage("registry.example/torchrun@sha256:" + "d".repeat(64));
    Job job = TrainingJobBuilder.build(ftj, inputs(ftj, false));
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Map<String, EnvVar> env = env(pod.getContainers().get(0));
    var service = RendezvousServiceBuilder.build(ftj, 1);

    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(4);
    assertThat(job.getSpec().getParallelism()).isEqualTo(4);
    assertThat(pod.getSubdomain()).isEqualTo(service.getMetadata().getName());
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(service.getSpec().getSelector())
        .containsEntry("batch.kubernetes.io/job-name", job.getMetadata().getName());
    assertThat(env.get("MASTER_ADDR").getValue())
        .isEqualTo("support-bot-v3-train-1-0.support-bot-v3-train-1");
    assertThat(env.get("MASTER_PORT").getValue()).isEqualTo("29500");
    assertThat(env.get("WORLD_SIZE").getValue()).isEqualTo("4");
    assertThat(env.get("PET_NPROC_PER_NODE").getValue()).isEqualTo("8");
    assertThat(env.get("RANK").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    assertThat(
            pod.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").getAmount())
        .isEqualTo("8");
    assertThat(
            CheckpointClaimBuilder.build(ftj, "50Gi", Optional.empty()).getSpec().getAccessModes())
        .containsExactly("ReadWriteMany");
  }

  @Test
  void kueueJobStartsSuspendedWithItsQueueLabel() {
    FineTuneJob ftj = job();
    ftj.getSpec().setQueueName("team-a");
    Job job = TrainingJobBuilder.build(ftj, inputs(ftj, true));

    assertThat(job.getSpec().getSuspend()).isTrue();
    assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team-a");
  }

  @Test
  void longJobNamesAreShortenedToALabelValueThatStaysUnique() {
    FineTuneJob a = job();
    a.getMetadata().setName("x".repeat(60) + "-alpha");
    FineTuneJob b = job();
    b.getMetadata().setName("x".repeat(60) + "-beta");

    assertThat(TrainingNames.job(a, 1)).hasSizeLessThanOrEqualTo(63);
    assertThat(TrainingNames.job(a, 1)).isNotEqualTo(TrainingNames.job(b, 1));
  }

  @Test
  void customTrainerImageTrainsButLathesOwnImageFetchesAndVerifiesTheInputs() {
    FineTuneJob ftj = job();
    TrainingInputs defaults = inputs(ftj, false);
    TrainingInputs custom =
        new TrainingInputs(
            1,
            defaults.baseModel(),
            true,
            defaults.baseModelDigest(),
            defaults.output(),
            defaults.trustedKeys(),
            "registry.example/torchrun@sha256:" + "d".repeat(64),
            "registry.example/lathe-trainer@sha256:" + "c".repeat(64),
            15,
            false);
    PodSpec pod = TrainingJobBuilder.build(ftj, custom).getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers().get(0).getImage())
        .startsWith("registry.example/lathe-trainer@");
    assertThat(pod.getContainers().get(0).getImage()).startsWith("registry.example/torchrun@");
  }

  @Test
  void theTrainersOwnContractReadsTheEnvironmentTheOperatorWrites() {
    FineTuneJob ftj = job();
    Container trainer =
        TrainingJobBuilder.build(ftj, inputs(ftj, false))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    Map<String, String> environment =
        trainer.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

    dev.lathe.trainer.TrainerContract contract =
        dev.lathe.trainer.TrainerContract.fromEnvironment(environment);

    assertThat(contract.baseModel().toString())
        .isEqualTo(dev.lathe.artifact.contract.TrainingPodPaths.BASE_MODEL);
    assertThat(contract.dataset().toString())
        .isEqualTo(dev.lathe.artifact.contract.TrainingPodPaths.TRAIN_DATASET);
    assertThat(contract.output().toString())
        .isEqualTo(dev.lathe.artifact.contract.TrainingPodPaths.OUTPUT);
    assertThat(contract.datasetFormat()).isEqualTo("chat-jsonl");
    assertThat(contract.modelName()).isEqualTo("support-bot");
    assertThat(contract.outputStorage()).isPresent();
    assertThat(contract.settings().path("method").path("rank").asInt()).isEqualTo(16);
  }
}
