package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.S3Store;
import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.ImageResolver;
import dev.lathe.controlplane.LocalControlPlane;
import dev.lathe.controlplane.LocalKubelet;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The first half of the product on the real control plane: FineTuneJobs become batch Jobs that the
 * real Job controller and scheduler run on a GPU-labelled, tainted node whose pods are local
 * processes of the real trainer (fetch, train, verify), with S3 over loopback. The operator signs
 * what the trainer uploaded and publishes ModelVersions, which a verification Job checks file by
 * file.
 *
 * <p>The tests run in any order: the cluster, storage, key, operator and a verified base in each
 * namespace are set up once for the class, and each test creates what else it needs. The tests that
 * put a quota on a namespace have a namespace of their own.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FineTuneJobToModelVersionIT {

  private static final String NAMESPACE = "training";

  /** Its own namespace: the one-GPU quota there must not hold back the other tests' jobs. */
  private static final String QUOTA_NAMESPACE = "training-quota";

  /** Its own namespace: the quota of zero Jobs there must not refuse the other tests' Jobs. */
  private static final String REFUSED_NAMESPACE = "training-refused";

  private static final List<String> TRAINING_NAMESPACES =
      List.of(NAMESPACE, QUOTA_NAMESPACE, REFUSED_NAMESPACE);
  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String TRAINER_IMAGE = "registry.local/lathe-trainer:it";
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final Duration TRAINING = Duration.ofMinutes(4);

  private final KubernetesClient client;
  private final LocalControlPlane plane;
  private LoopbackS3 s3;
  private LocalKubelet cpuNode;
  private LocalKubelet gpuNode;
  private LatheOperator lathe;
  private KeyPair key;
  private String baseDigest;

  FineTuneJobToModelVersionIT(KubernetesClient client, LocalControlPlane plane) {
    this.client = client;
    this.plane = plane;
  }

  @BeforeAll
  void startClusterStorageAndOperator() throws Exception {
    s3 = new LoopbackS3();
    for (String ns : List.of(NAMESPACE, QUOTA_NAMESPACE, REFUSED_NAMESPACE, OPERATOR_NAMESPACE)) {
      // The restricted Pod Security Standard, enforced: every pod Lathe makes must pass it.
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    for (String ns : TRAINING_NAMESPACES) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("s3-credentials")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToStringData("AWS_ACCESS_KEY_ID", LoopbackS3.ACCESS_KEY)
                  .addToStringData("AWS_SECRET_ACCESS_KEY", LoopbackS3.SECRET_KEY)
                  .build())
          .serverSideApply();
    }
    key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    storeSigningKey();
    // The trust policy holds the public key on its own, so verification does not depend on the
    // signing Secret being there (key rotation, or a verifier-only operator).
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("lathe-trust-policy")
                .withNamespace(OPERATOR_NAMESPACE)
                .endMetadata()
                .addToData("operator.pem", SigningKeys.publicKeyPem(key.getPublic()))
                .build())
        .serverSideApply();

    // The base model: the tiny Llama, published signed, imported as a ModelVersion.
    Path tinyBase = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    S3Store models = s3.store("models", "tiny-base");
    baseDigest =
        new ArtifactPublisher(models)
            .publish(tinyBase, "tiny-base", "", ModelHasher.files(), key, Optional.empty())
            .manifestDigest();
    StringBuilder lines = new StringBuilder();
    String[] words = {"apple", "river", "stone", "cloud", "maple", "ember", "frost", "lumen"};
    for (int i = 0; i < 16; i++) {
      String a = words[i % words.length];
      String b = words[(i * 3 + 1) % words.length];
      lines.append(
          "{\"prompt\": \"Copy: "
              + a
              + " "
              + b
              + "\\n\", \"completion\": \""
              + a
              + " "
              + b
              + "\"}\n");
    }
    s3.store("datasets", "copy")
        .write("train.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));

    // Two nodes, as in a cluster: verification Jobs land on the CPU node; training pods need the
    // GPU node's product label and tolerate its taint.
    ImageResolver trainer = trainerImage();
    cpuNode =
        LocalKubelet.start(client, LocalKubelet.Options.defaults(trainer).withNodeName("cpu-node"));
    gpuNode =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(trainer)
                .withNodeName("gpu-node")
                .withLabel("nvidia.com/gpu.product", H100)
                .withCapacity("nvidia.com/gpu", "4")
                .withTaint("nvidia.com/gpu", null, "NoSchedule"));

    for (String ns : TRAINING_NAMESPACES) {
      client
          .resource(Serialization.unmarshal(baseModelYaml(ns), ModelVersion.class))
          .serverSideApply();
    }
    startOperator();
    // Every test's jobs train on the base: each namespace's copy is verified before any test runs,
    // so no test depends on another having waited for it.
    for (String ns : TRAINING_NAMESPACES) {
      awaitCondition(ns, ModelVersion.class, "tiny-base", "Verified", "True", TRAINING);
    }
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (lathe != null) {
      lathe.stop();
    }
    for (LocalKubelet node : new LocalKubelet[] {gpuNode, cpuNode}) {
      if (node != null) {
        node.close();
      }
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void importedBaseModelIsVerifiedFileByFileByAJob() {
    ModelVersion base =
        awaitCondition(ModelVersion.class, "tiny-base", "Verified", "True", TRAINING);
    assertThat(base.getStatus().getArtifact().getManifestDigest()).isEqualTo(baseDigest);
    assertThat(base.getStatus().getArtifact().getFiles()).isGreaterThan(2);
    assertThat(base.getStatus().getSignature().getKeyId())
        .isEqualTo(SigningKeys.keyId(key.getPublic()));
    assertThat(condition(base, "Available").map(Condition::getStatus)).contains("True");
  }

  @Test
  void importsThatAreUnsignedTamperedOrSignedByAStrangerAreNotVerifiedAndSayWhy() throws Exception {
    Path tinyBase = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    S3Store unsigned = s3.store("models", "imports/unsigned");
    for (String file : List.of("config.json", "tokenizer.json")) {
      unsigned.upload(tinyBase.resolve(file), file);
    }
    S3Store tampered = s3.store("models", "imports/tampered");
    new ArtifactPublisher(tampered)
        .publish(tinyBase, "tiny-base", "", ModelHasher.files(), key, Optional.empty());
    byte[] config = tampered.read("config.json").orElseThrow();
    config[config.length - 2] ^= 1;
    tampered.write("config.json", config);
    S3Store stranger = s3.store("models", "imports/stranger");
    new ArtifactPublisher(stranger)
        .publish(
            tinyBase,
            "tiny-base",
            "",
            ModelHasher.files(),
            SigningKeys.generate(KeyAlgorithm.ECDSA_P256),
            Optional.empty());
    for (String name : List.of("unsigned", "tampered", "stranger")) {
      client
          .resource(
              Serialization.unmarshal(
                  baseModelYaml()
                      .replace("tiny-base", "import-" + name)
                      .replace("s3://models/import-" + name, "s3://models/imports/" + name),
                  ModelVersion.class))
          .serverSideApply();
    }

    Map<String, String> reasons = new HashMap<>();
    for (String name : List.of("unsigned", "tampered", "stranger")) {
      ModelVersion refused =
          awaitCondition(ModelVersion.class, "import-" + name, "Verified", "False", TRAINING);
      Condition verified = condition(refused, "Verified").orElseThrow();
      reasons.put(name, verified.getReason() + ": " + verified.getMessage());
      assertThat(condition(refused, "Available").map(Condition::getStatus)).contains("False");
    }
    assertThat(reasons.get("unsigned")).startsWith("Unsigned: no signature (model.sig)");
    assertThat(reasons.get("tampered")).startsWith("DigestMismatch: config.json");
    assertThat(reasons.get("stranger")).startsWith("UntrustedKey: signed by key");

    // Unsigned is not final: once the files are signed the same ModelVersion verifies.
    Path signedCopy = Files.createTempDirectory("signed-import");
    for (String file : List.of("config.json", "tokenizer.json")) {
      Files.copy(tinyBase.resolve(file), signedCopy.resolve(file));
    }
    new ArtifactPublisher(unsigned)
        .publish(signedCopy, "tiny-base", "", ModelHasher.files(), key, Optional.empty());
    awaitCondition(ModelVersion.class, "import-unsigned", "Verified", "True", TRAINING);
  }

  @Test
  void jobTrainsOnTheGpuNodeThenASecondWaitsForQuotaAndBothPublishVerifiedModelVersions()
      throws Exception {
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("gpus")
                .withNamespace(QUOTA_NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .addToHard("requests.nvidia.com/gpu", new Quantity("1"))
                .endSpec()
                .build())
        .serverSideApply();

    FineTuneJob first = client.resource(fineTuneJob(QUOTA_NAMESPACE, "copy-a")).create();
    Job batch =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(QUOTA_NAMESPACE)
                        .withName(TrainingNames.job(first, 1))
                        .get(),
                j -> j != null);
    var pod = batch.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu"))
        .isEqualTo(new Quantity("1"));
    assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.product", H100);
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    Map<String, String> env =
        pod.getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsKeys("LATHE_OUTPUT_STORAGE", "LATHE_HYPERPARAMETERS", "LATHE_DATASET");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(QUOTA_NAMESPACE)
                            .withLabel(
                                "batch.kubernetes.io/job-name", batch.getMetadata().getName())
                            .list()
                            .getItems())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("gpu-node")));

    // The quota controller counts the first job's pod; the second must queue behind it.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Optional.ofNullable(
                        client
                            .resourceQuotas()
                            .inNamespace(QUOTA_NAMESPACE)
                            .withName("gpus")
                            .get()
                            .getStatus())
                    .map(s -> s.getUsed())
                    .map(u -> u.get("requests.nvidia.com/gpu"))
                    .map(q -> q.getAmount().equals("1"))
                    .orElse(false));
    FineTuneJob second = client.resource(fineTuneJob(QUOTA_NAMESPACE, "copy-b")).create();
    Condition queued =
        awaitCondition(
                QUOTA_NAMESPACE,
                FineTuneJob.class,
                "copy-b",
                "Queued",
                "True",
                Duration.ofSeconds(60))
            .getStatus()
            .getConditions()
            .stream()
            .filter(c -> c.getType().equals("Queued"))
            .findFirst()
            .orElseThrow();
    assertThat(queued.getReason()).isEqualTo("QuotaExceeded");
    assertThat(queued.getMessage()).contains("needs 1 GPU, 0 free under ResourceQuota gpus");

    FineTuneJob done =
        awaitCondition(QUOTA_NAMESPACE, FineTuneJob.class, "copy-a", "Succeeded", "True", TRAINING);
    assertThat(done.getStatus().getModelVersion()).isEqualTo("copy-a");
    assertThat(done.getStatus().getProgress().getPercentComplete()).isEqualTo(100);
    assertThat(done.getStatus().getProgress().getStep()).isEqualTo(4L);
    assertThat(done.getStatus().getProgress().getLoss()).isNotNull();
    ModelVersion published =
        awaitCondition(QUOTA_NAMESPACE, ModelVersion.class, "copy-a", "Verified", "True", TRAINING);
    assertThat(published.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(published.getMetadata().getLabels())
        .containsEntry(TrainingNames.JOB_LABEL, "copy-a");
    assertThat(published.getSpec().getBase()).isEqualTo("tiny-base");
    assertThat(published.getStatus().getLineage().getParents()).containsExactly(baseDigest);
    assertThat(published.getStatus().getLineage().getDatasetDigest()).startsWith("sha256:");
    assertThat(published.getStatus().getLineage().getFineTuneJobName()).isEqualTo("copy-a");
    assertLineageWalksToTheBase(
        QUOTA_NAMESPACE, "copy-a", published.getStatus().getLineage().getDatasetDigest());

    // Quota frees when the first job's pod ends: the queued job is admitted and trains too.
    FineTuneJob later =
        awaitCondition(QUOTA_NAMESPACE, FineTuneJob.class, "copy-b", "Succeeded", "True", TRAINING);
    assertThat(condition(later, "Queued").map(Condition::getReason)).contains("Admitted");
    awaitCondition(QUOTA_NAMESPACE, ModelVersion.class, "copy-b", "Verified", "True", TRAINING);
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
  }

  @Test
  void operatorRestartedBetweenSigningAndCreatingTheModelVersionEndsWithExactlyOne()
      throws Exception {
    // Without its signing key the operator trains but cannot publish: it waits, losing nothing.
    client.secrets().inNamespace(OPERATOR_NAMESPACE).withName("lathe-signing-key").delete();
    try {
      signWhileTheOperatorIsDownThenRestartIt();
    } finally {
      // Whatever happened, the other tests find the key and a running operator.
      storeSigningKey();
      if (!lathe.isReady()) {
        startOperator();
      }
    }
  }

  private void signWhileTheOperatorIsDownThenRestartIt() throws Exception {
    FineTuneJob job = client.resource(fineTuneJob("copy-c")).create();
    FineTuneJob waiting =
        awaitReason(FineTuneJob.class, "copy-c", "Succeeded", "SigningKeyUnavailable", TRAINING);
    assertThat(condition(waiting, "Succeeded").map(Condition::getMessage).orElse(""))
        .contains("training finished; publishing waits");

    // The operator "crashes" after signing: the artifact is signed, no ModelVersion exists.
    lathe.stop();
    String prefix = "copy-c-" + job.getMetadata().getUid().substring(0, 8) + "/attempt-1";
    new ArtifactPublisher(s3.store("models", "fine-tuned/" + prefix))
        .sign("", key, Optional.empty());
    assertThat(client.resources(ModelVersion.class).inNamespace(NAMESPACE).withName("copy-c").get())
        .isNull();
    storeSigningKey();
    startOperator();

    awaitCondition(FineTuneJob.class, "copy-c", "Succeeded", "True", Duration.ofSeconds(60));
    awaitCondition(ModelVersion.class, "copy-c", "Verified", "True", TRAINING);
    assertThat(
            client
                .resources(ModelVersion.class)
                .inNamespace(NAMESPACE)
                .withLabel(TrainingNames.JOB_LABEL, "copy-c")
                .list()
                .getItems())
        .hasSize(1);
  }

  @Test
  void jobNamingABaseModelThatDoesNotExistIsNotAccepted() {
    FineTuneJob job = fineTuneJob("copy-d");
    job.getSpec().getBaseModel().setModelVersion("no-such-model");
    client.resource(job).create();

    FineTuneJob refused =
        awaitCondition(FineTuneJob.class, "copy-d", "Accepted", "False", Duration.ofSeconds(30));
    assertThat(condition(refused, "Accepted").map(Condition::getReason))
        .contains(AcceptanceReasons.MODEL_VERSION_NOT_FOUND);
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withName(TrainingNames.job(refused, 1))
                .get())
        .isNull();
  }

  @Test
  void kueueQueueLeavesTheJobSuspendedUntilKueueAdmitsIt() {
    FineTuneJob job = fineTuneJob("copy-kueue");
    job.getSpec().setQueueName("team-a");
    FineTuneJob created = client.resource(job).create();

    FineTuneJob waiting =
        awaitReason(
            FineTuneJob.class, "copy-kueue", "Queued", "WaitingForKueue", Duration.ofSeconds(60));
    assertThat(condition(waiting, "Queued").map(Condition::getStatus)).contains("True");
    var batch =
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(TrainingNames.job(created, 1));
    assertThat(batch.get().getSpec().getSuspend()).isTrue();
    assertThat(batch.get().getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-a");

    // What Kueue does when the workload fits its ClusterQueue: unsuspend the Job.
    batch.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");

    FineTuneJob done =
        awaitCondition(FineTuneJob.class, "copy-kueue", "Succeeded", "True", TRAINING);
    assertThat(condition(done, "Queued").map(Condition::getReason)).contains("Admitted");
  }

  @Test
  void multiNodePodsGetTheRendezvousEnvironmentAndAFailureCarriesTheTrainersMessage() {
    FineTuneJob job = fineTuneJob("probe-mn");
    job.getSpec().getResources().setNodes(2);
    job.getSpec().setBackoffLimit(0);
    job.getSpec().setTrainer(new dev.lathe.api.v1alpha1.TrainerSpec());
    job.getSpec().getTrainer().setImage("registry.local/rendezvous-probe:1");
    FineTuneJob created = client.resource(job).create();

    FineTuneJob failed = awaitCondition(FineTuneJob.class, "probe-mn", "Failed", "True", TRAINING);
    String jobName = TrainingNames.job(created, 1);
    String message = condition(failed, "Failed").map(Condition::getMessage).orElse("");
    assertThat(message)
        .contains("trainer exited 3")
        .contains("MASTER_ADDR=" + jobName + "-0." + jobName)
        .contains("WORLD_SIZE=2")
        .containsPattern("RANK=[01]");
    assertThat(
            client
                .services()
                .inNamespace(NAMESPACE)
                .withName(jobName)
                .get()
                .getSpec()
                .getClusterIP())
        .isEqualTo("None");
    assertThat(
            client.resources(ModelVersion.class).inNamespace(NAMESPACE).withName("probe-mn").get())
        .isNull();
  }

  @Test
  void evictedTrainingPodResumesFromItsCheckpointWithoutSpendingTheBackoffBudget()
      throws Exception {
    FineTuneJob job = fineTuneJob("copy-evicted");
    job.getSpec().getHyperparameters().setMaxSteps(400L);
    job.getSpec().getHyperparameters().setCheckpointEverySteps(10);
    job.getSpec().setBackoffLimit(0);
    FineTuneJob created = client.resource(job).create();
    String jobName = TrainingNames.job(created, 1);

    FineTuneJob training =
        await()
            .atMost(TRAINING)
            .pollInterval(Duration.ofMillis(300))
            .until(
                () ->
                    client
                        .resources(FineTuneJob.class)
                        .inNamespace(NAMESPACE)
                        .withName("copy-evicted")
                        .get(),
                j ->
                    j.getStatus() != null
                        && j.getStatus().getProgress() != null
                        && j.getStatus().getProgress().getStep() >= 30);
    assertThat(training.getStatus().getProgress().getStep()).isLessThan(400);
    var first =
        client
            .pods()
            .inNamespace(NAMESPACE)
            .withLabel("batch.kubernetes.io/job-name", jobName)
            .list()
            .getItems();
    assertThat(first).hasSize(1);
    // What the scheduler's preemption or a node drain does: evict through the API.
    assertThat(
            client
                .pods()
                .inNamespace(NAMESPACE)
                .withName(first.get(0).getMetadata().getName())
                .evict())
        .isTrue();

    FineTuneJob done =
        awaitCondition(FineTuneJob.class, "copy-evicted", "Succeeded", "True", TRAINING);
    assertThat(done.getStatus().getModelVersion()).isEqualTo("copy-evicted");
    String retried =
        client
            .pods()
            .inNamespace(NAMESPACE)
            .withLabel("batch.kubernetes.io/job-name", jobName)
            .list()
            .getItems()
            .stream()
            .map(p -> p.getMetadata().getName())
            .filter(n -> !n.equals(first.get(0).getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    String log =
        Files.readString(gpuNode.containerLog(NAMESPACE, retried, "trainer").orElseThrow());
    assertThat(log).containsPattern("resuming after step [1-9][0-9]+ from");
  }

  @Test
  void deletingAModelVersionKeepsItsFilesUnlessItsPolicySaysDelete() throws Exception {
    // Two signed copies of the base, imported as versions of their own.
    Path tinyBase = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    for (String name : List.of("kept", "dropped")) {
      new ArtifactPublisher(s3.store("models", "deletion/" + name))
          .publish(tinyBase, "tiny-base", "", ModelHasher.files(), key, Optional.empty());
      client
          .resource(
              Serialization.unmarshal(
                  baseModelYaml()
                      .replace("name: tiny-base", "name: deletion-" + name)
                      .replace("s3://models/tiny-base", "s3://models/deletion/" + name),
                  ModelVersion.class))
          .serverSideApply();
    }
    ModelVersion kept =
        awaitCondition(ModelVersion.class, "deletion-kept", "Verified", "True", TRAINING);
    ModelVersion dropped =
        awaitCondition(ModelVersion.class, "deletion-dropped", "Verified", "True", TRAINING);
    String keptPrefix = prefixOf(kept);
    String droppedPrefix = prefixOf(dropped);
    assertThat(s3.store("models", "").list(keptPrefix)).contains(keptPrefix + "/model.sig");
    assertThat(s3.store("models", "").list(droppedPrefix)).contains(droppedPrefix + "/model.sig");

    client
        .resources(ModelVersion.class)
        .inNamespace(NAMESPACE)
        .withName("deletion-dropped")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"lathe.dev/artifact-deletion-policy\":\"Delete\"}}}");
    for (String name : List.of("deletion-kept", "deletion-dropped")) {
      client.resources(ModelVersion.class).inNamespace(NAMESPACE).withName(name).delete();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Stream.of("deletion-kept", "deletion-dropped")
                    .allMatch(
                        name ->
                            client
                                    .resources(ModelVersion.class)
                                    .inNamespace(NAMESPACE)
                                    .withName(name)
                                    .get()
                                == null));
    assertThat(s3.store("models", "").list(droppedPrefix)).isEmpty();
    assertThat(s3.store("models", "").list(keptPrefix)).contains(keptPrefix + "/model.sig");
  }

  @Test
  void workloadTheApiServerRefusesIsReportedAndCreatedOnceThePolicyAllowsIt() {
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-jobs")
                .withNamespace(REFUSED_NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .addToHard("count/jobs.batch", new Quantity("0"))
                .endSpec()
                .build())
        .serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .resourceQuotas()
                        .inNamespace(REFUSED_NAMESPACE)
                        .withName("no-jobs")
                        .get()
                        .getStatus()
                    != null);
    client.resource(fineTuneJob(REFUSED_NAMESPACE, "copy-refused")).create();

    FineTuneJob refused =
        awaitReason(
            REFUSED_NAMESPACE,
            FineTuneJob.class,
            "copy-refused",
            "Running",
            "WorkloadRejected",
            Duration.ofSeconds(60));
    assertThat(condition(refused, "Running").map(Condition::getMessage).orElse(""))
        .contains("exceeded quota: no-jobs");

    client.resourceQuotas().inNamespace(REFUSED_NAMESPACE).withName("no-jobs").delete();
    awaitReason(
        REFUSED_NAMESPACE,
        FineTuneJob.class,
        "copy-refused",
        "Queued",
        "Admitted",
        Duration.ofSeconds(60));
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The key prefix of a version's artifact in the models bucket. */
  private static String prefixOf(ModelVersion version) {
    return version.getSpec().getSource().getStorage().getUri().substring("s3://models/".length());
  }

  /** `lathe lineage mv/NAME` through the kubeconfig: the chain from the adapter to its base. */
  private void assertLineageWalksToTheBase(String namespace, String name, String datasetDigest)
      throws Exception {
    Path publicKey = Files.createTempFile("operator", ".pub");
    Files.writeString(publicKey, SigningKeys.publicKeyPem(key.getPublic()));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine lathe = dev.lathe.cli.LatheCommand.commandLine();
    lathe.setOut(new java.io.PrintWriter(out));
    lathe.setErr(new java.io.PrintWriter(err));
    int exit =
        lathe.execute(
            "lineage",
            "mv/" + name,
            "--namespace",
            namespace,
            "--kubeconfig",
            plane.kubeconfig().toString(),
            "-k",
            publicKey.toString(),
            "-o",
            "json");
    assertThat(exit).as(err.toString()).isZero();
    String json = out.toString();
    assertThat(json).contains("s3://models/fine-tuned/" + name + "-");
    assertThat(json).contains("s3://models/tiny-base");
    assertThat(json).contains(baseDigest);
    assertThat(json).contains(datasetDigest.substring("sha256:".length()));
  }

  /** The trainer image as a local JVM on this test's classpath. */
  private static ImageResolver trainerImage() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // A custom multi-node trainer stand-in: it reports its rendezvous environment and fails.
    String probe =
        "echo \"MASTER_ADDR=$MASTER_ADDR WORLD_SIZE=$WORLD_SIZE RANK=$RANK\""
            + " > \"$LATHE_TERMINATION_LOG\"; exit 3";
    return ImageResolver.byImageSubstring(
        Map.of(
            "lathe-trainer",
            List.of(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lathe.trainer.TrainerMain"),
            "rendezvous-probe",
            List.of("/bin/sh", "-c", probe, "probe")));
  }

  private void startOperator() {
    Map<String, String> env = new HashMap<>();
    env.put("LATHE_TRAINER_IMAGE", TRAINER_IMAGE);
    env.put("LATHE_OPERATOR_NAMESPACE", OPERATOR_NAMESPACE);
    env.put("LATHE_PROGRESS_SECONDS", "1");
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            Set.copyOf(TRAINING_NAMESPACES),
            0,
            "127.0.0.1",
            Duration.ofSeconds(2),
            WorkloadSettings.fromEnvironment(env));
    lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(30)).until(lathe::isReady);
  }

  private void storeSigningKey() {
    client.resource(Fixtures.signingKeySecret(OPERATOR_NAMESPACE, key)).serverSideApply();
  }

  private String storage(String uri) {
    return "{uri: '"
        + uri
        + "', endpoint: '"
        + s3.endpoint()
        + "', pathStyle: true, credentialsSecret: s3-credentials}";
  }

  private String baseModelYaml() {
    return baseModelYaml(NAMESPACE);
  }

  /** The tiny base imported into {@code namespace}, where jobs of that namespace find it. */
  private String baseModelYaml(String namespace) {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelVersion\n"
        + "metadata: {name: tiny-base, namespace: "
        + namespace
        + "}\n"
        + "spec:\n"
        + "  modelName: tiny-llama\n"
        + "  format: hf-safetensors\n"
        + "  source:\n"
        + "    storage: "
        + storage("s3://models/tiny-base")
        + "\n";
  }

  private FineTuneJob fineTuneJob(String name) {
    return fineTuneJob(NAMESPACE, name);
  }

  private FineTuneJob fineTuneJob(String namespace, String name) {
    String yaml =
        "apiVersion: lathe.dev/v1alpha1\n"
            + "kind: FineTuneJob\n"
            + "metadata: {name: "
            + name
            + ", namespace: "
            + namespace
            + "}\n"
            + "spec:\n"
            + "  baseModel: {modelVersion: tiny-base}\n"
            + "  dataset:\n"
            + "    format: completion-jsonl\n"
            + "    storage: "
            + storage("s3://datasets/copy/train.jsonl")
            + "\n"
            + "  method: {type: lora, rank: 4, alpha: 8, targetModules: [q_proj, v_proj]}\n"
            + "  hyperparameters: {maxSteps: 4, batchSize: 4, learningRate: 0.003, seed: 7,"
            + " checkpointEverySteps: 2}\n"
            + "  resources: {gpusPerNode: 1, gpuProduct: "
            + H100
            + "}\n"
            + "  trainer:\n"
            + "    env:\n"
            + "    - {name: DJL_CACHE_DIR, value: '"
            + System.getProperty("user.home")
            + "/.cache/lathe/djl'}\n"
            + "    - {name: OMP_WAIT_POLICY, value: PASSIVE}\n"
            + "  output:\n"
            + "    storage: "
            + storage("s3://models/fine-tuned")
            + "\n";
    return Serialization.unmarshal(yaml, FineTuneJob.class);
  }

  private <R extends io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus>>
      R awaitCondition(
          Class<R> type, String name, String condition, String status, Duration patience) {
    return awaitCondition(NAMESPACE, type, name, condition, status, patience);
  }

  private <R extends io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus>>
      R awaitCondition(
          String namespace,
          Class<R> type,
          String name,
          String condition,
          String status,
          Duration patience) {
    return awaitUntil(
        namespace, type, name, condition, c -> status.equals(c.getStatus()), patience);
  }

  private <R extends io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus>>
      R awaitReason(
          Class<R> type, String name, String condition, String reason, Duration patience) {
    return awaitReason(NAMESPACE, type, name, condition, reason, patience);
  }

  private <R extends io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus>>
      R awaitReason(
          String namespace,
          Class<R> type,
          String name,
          String condition,
          String reason,
          Duration patience) {
    return awaitUntil(
        namespace, type, name, condition, c -> reason.equals(c.getReason()), patience);
  }

  private <R extends io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus>>
      R awaitUntil(
          String namespace,
          Class<R> type,
          String name,
          String condition,
          java.util.function.Predicate<Condition> wanted,
          Duration patience) {
    return await()
        .atMost(patience)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> client.resources(type).inNamespace(namespace).withName(name).get(),
            r -> r != null && condition(r, condition).filter(wanted).isPresent());
  }

  private static Optional<Condition> condition(
      io.fabric8.kubernetes.client.CustomResource<?, ? extends ConditionedStatus> resource,
      String type) {
    if (resource.getStatus() == null) {
      return Optional.empty();
    }
    return resource.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  static String read(Path file) throws Exception {
    return Files.readString(file);
  }
}
