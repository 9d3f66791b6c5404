package dev.lathe.operator.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobSpec;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainingResources;
import dev.lathe.artifact.contract.FetchPlan;
import dev.lathe.artifact.contract.TrainerEnvironment;
import dev.lathe.artifact.contract.TrainingPodPaths;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.storage.PodStorage;
import dev.lathe.operator.workloads.ControllerReference;
import dev.lathe.operator.workloads.RestrictedSecurity;
import dev.lathe.operator.workloads.UserEnvironment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the batch/v1 Job of a training attempt (DESIGN.md §1 step 3, §4): an init container that
 * fetches and verifies the base model and dataset into the pod, the trainer container with the
 * trainer contract's environment, GPUs as nvidia.com/gpu limits with the product's node selector
 * and the GPU toleration, a restricted security context, checkpoints on a claim that outlives the
 * pod, and for several nodes an Indexed Job with the torchrun environment. Pure: it reads its
 * inputs and returns objects.
 */
public final class TrainingJobBuilder {

  public static final String GPU = "nvidia.com/gpu";
  public static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";
  public static final String FETCH_CONTAINER = "fetch";
  public static final String TRAINER_CONTAINER = "trainer";
  public static final int MASTER_PORT = 29500;
  public static final int DEFAULT_BACKOFF_LIMIT = 3;
  public static final String WORK = TrainingPodPaths.WORK;
  public static final String CHECKPOINTS = "/checkpoints";
  public static final String TERMINATION_LOG = "/dev/termination-log";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingJobBuilder() {}

  public static Job build(FineTuneJob ftj, TrainingInputs inputs) {
    FineTuneJobSpec spec = ftj.getSpec();
    TrainingResources resources =
        Optional.ofNullable(spec.getResources()).orElseGet(TrainingResources::new);
    int nodes = Optional.ofNullable(resources.getNodes()).orElse(1);
    int gpus = Optional.ofNullable(resources.getGpusPerNode()).orElse(0);
    String name = TrainingNames.job(ftj, inputs.attempt());
    Map<String, String> labels = new LinkedHashMap<>(TrainingNames.labels(ftj, inputs.attempt()));
    if (spec.getQueueName() != null) {
      labels.put(TrainingNames.KUEUE_QUEUE_LABEL, spec.getQueueName());
    }

    PodStorage storage = new PodStorage();
    String fetchPlan = fetchPlan(ftj, inputs, storage);
    StoreAddress output = storage.address(inputs.output(), true);

    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir("work", null));
    volumes.add(emptyDir("tmp", null));
    volumes.add(
        new VolumeBuilder()
            .withName("checkpoints")
            .withNewPersistentVolumeClaim()
            .withClaimName(TrainingNames.checkpointClaim(ftj))
            .endPersistentVolumeClaim()
            .build());
    if (gpus > 0) {
      // PyTorch's data loaders and NCCL share tensors through /dev/shm, which defaults to 64 MiB.
      volumes.add(emptyDir("dshm", "Memory"));
    }
    volumes.addAll(storage.volumes());

    List<VolumeMount> fetchMounts = new ArrayList<>();
    fetchMounts.add(mount("work", WORK, false));
    fetchMounts.add(mount("tmp", "/tmp", false));
    fetchMounts.addAll(storage.mounts());
    List<VolumeMount> trainerMounts = new ArrayList<>(fetchMounts);
    trainerMounts.add(mount("checkpoints", CHECKPOINTS, false));
    if (gpus > 0) {
      trainerMounts.add(mount("dshm", "/dev/shm", false));
    }

    Container fetch =
        new ContainerBuilder()
            .withName(FETCH_CONTAINER)
            .withImage(inputs.fetchImage())
            .withArgs("fetch")
            .withEnv(
                env(TrainerEnvironment.FETCH_PLAN, fetchPlan),
                env(TrainerEnvironment.TRUSTED_KEYS, inputs.trustedKeys()),
                env(TrainerEnvironment.TERMINATION_LOG, TERMINATION_LOG),
                env("HOME", "/tmp"))
            .withVolumeMounts(fetchMounts)
            .withResources(computeResources(resources, 0))
            .withSecurityContext(RestrictedSecurity.container())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    List<EnvVar> trainerEnv = new ArrayList<>(contractEnvironment(ftj, inputs, output));
    if (nodes > 1) {
      trainerEnv.addAll(torchrunEnvironment(name, nodes, Math.max(gpus, 1)));
    }
    if (spec.getTrainer() != null && spec.getTrainer().getEnv() != null) {
      spec.getTrainer().getEnv().stream().map(UserEnvironment::toEnvVar).forEach(trainerEnv::add);
    }
    Container trainer =
        new ContainerBuilder()
            .withName(TRAINER_CONTAINER)
            .withImage(inputs.trainerImage())
            .withArgs("train")
            .withEnv(trainerEnv)
            .withVolumeMounts(trainerMounts)
            .withResources(computeResources(resources, gpus))
            .withSecurityContext(RestrictedSecurity.container())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    JobBuilder job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ftj.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(ControllerReference.to(ftj))
            .endMetadata()
            .withNewSpec()
            .withSuspend(inputs.suspended())
            .withBackoffLimit(
                Optional.ofNullable(spec.getBackoffLimit()).orElse(DEFAULT_BACKOFF_LIMIT))
            .withActiveDeadlineSeconds(spec.getActiveDeadlineSeconds())
            // A preempted or evicted pod is not the trainer's fault: retry it without spending the
            // backoff budget, and let it resume from the checkpoint claim.
            .withPodFailurePolicy(
                new PodFailurePolicyBuilder()
                    .addNewRule()
                    .withAction("Ignore")
                    .addNewOnPodCondition()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .endOnPodCondition()
                    .endRule()
                    .build())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(TrainingNames.labels(ftj, inputs.attempt()))
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withInitContainers(fetch)
            .withContainers(trainer)
            .withVolumes(volumes)
            .withEnableServiceLinks(false)
            .withAutomountServiceAccountToken(false)
            .withSecurityContext(
                // Group and fsGroup too: the checkpoint claim must be writable by that user.
                new PodSecurityContextBuilder(RestrictedSecurity.pod())
                    .withRunAsGroup(RestrictedSecurity.RUN_AS_USER)
                    .withFsGroup(RestrictedSecurity.RUN_AS_USER)
                    .build())
            .withTolerations(gpus > 0 ? List.of(gpuToleration()) : List.of())
            .withNodeSelector(
                resources.getGpuProduct() == null
                    ? Map.of()
                    : Map.of(GPU_PRODUCT_LABEL, resources.getGpuProduct()))
            .endSpec()
            .endTemplate()
            .endSpec();
    if (nodes > 1) {
      job.editSpec()
          .withCompletionMode("Indexed")
          .withCompletions(nodes)
          .withParallelism(nodes)
          .editTemplate()
          .editSpec()
          .withSubdomain(TrainingNames.service(ftj, inputs.attempt()))
          .endSpec()
          .endTemplate()
          .endSpec();
    }
    return job.build();
  }

  /**
   * The trainer contract (docs/trainer-contract.md, DESIGN.md §5) as the trainer container sees it.
   */
  static List<EnvVar> contractEnvironment(
      FineTuneJob ftj, TrainingInputs inputs, StoreAddress output) {
    FineTuneJobSpec spec = ftj.getSpec();
    List<EnvVar> env = new ArrayList<>();
    env.add(env(TrainerEnvironment.BASE_MODEL_DIR, TrainingPodPaths.BASE_MODEL));
    env.add(env(TrainerEnvironment.DATASET, TrainingPodPaths.TRAIN_DATASET));
    env.add(env(TrainerEnvironment.DATASET_FORMAT, formatName(spec)));
    if (spec.getDataset().getEvaluation() != null) {
      if (spec.getDataset().getEvaluation().getStorage() != null) {
        env.add(env(TrainerEnvironment.EVAL_DATASET, TrainingPodPaths.EVAL_DATASET));
      } else if (spec.getDataset().getEvaluation().getFraction() != null) {
        env.add(
            env(
                TrainerEnvironment.EVAL_FRACTION,
                String.valueOf(spec.getDataset().getEvaluation().getFraction())));
      }
    }
    env.add(env(TrainerEnvironment.OUTPUT_DIR, TrainingPodPaths.OUTPUT));
    // Not per attempt: a later attempt of the same job resumes from the same checkpoints.
    env.add(env(TrainerEnvironment.CHECKPOINT_DIR, CHECKPOINTS));
    env.add(env(TrainerEnvironment.HYPERPARAMETERS, settingsJson(spec)));
    env.add(env(TrainerEnvironment.MODEL_NAME, modelName(ftj)));
    env.add(env(TrainerEnvironment.TERMINATION_LOG, TERMINATION_LOG));
    env.add(env(TrainerEnvironment.OUTPUT_STORAGE, output.toJson()));
    env.add(env(TrainerEnvironment.INPUTS_FILE, TrainingPodPaths.INPUTS_FILE));
    env.add(
        env(
            TrainerEnvironment.PROGRESS_INTERVAL_SECONDS,
            String.valueOf(inputs.progressSeconds())));
    env.add(env("HOME", "/tmp"));
    return env;
  }

  /**
   * The torchrun rendezvous for an Indexed Job, in the Kubeflow PyTorchJob convention most
   * multi-node trainers expect: WORLD_SIZE and RANK count pods, PET_* are torchrun's own flags.
   */
  static List<EnvVar> torchrunEnvironment(String jobName, int nodes, int processesPerNode) {
    String master = jobName + "-0." + jobName;
    EnvVar rank =
        new EnvVarBuilder()
            .withName("RANK")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['batch.kubernetes.io/job-completion-index']")
            .endFieldRef()
            .endValueFrom()
            .build();
    EnvVar nodeRank = new EnvVarBuilder(rank).withName("PET_NODE_RANK").build();
    return List.of(
        env("MASTER_ADDR", master),
        env("MASTER_PORT", String.valueOf(MASTER_PORT)),
        env("WORLD_SIZE", String.valueOf(nodes)),
        rank,
        env("PET_MASTER_ADDR", master),
        env("PET_MASTER_PORT", String.valueOf(MASTER_PORT)),
        env("PET_NNODES", String.valueOf(nodes)),
        nodeRank,
        env("PET_NPROC_PER_NODE", String.valueOf(processesPerNode)));
  }

  /**
   * What the fetch step downloads, as the trainer's LATHE_FETCH_PLAN: the base model (verified when
   * it is a ModelVersion), the dataset and the evaluation set, into /work.
   */
  static String fetchPlan(FineTuneJob ftj, TrainingInputs inputs, PodStorage storage) {
    var evaluation = ftj.getSpec().getDataset().getEvaluation();
    return new FetchPlan(
            ftj.getMetadata().getNamespace(),
            new FetchPlan.BaseModel(
                storage.address(inputs.baseModel(), false),
                inputs.baseModelSigned(),
                inputs.baseModelDigest(),
                TrainingPodPaths.BASE_MODEL),
            dataset(
                ftj.getSpec().getDataset().getStorage(), TrainingPodPaths.TRAIN_DATASET, storage),
            evaluation != null && evaluation.getStorage() != null
                ? Optional.of(
                    dataset(evaluation.getStorage(), TrainingPodPaths.EVAL_DATASET, storage))
                : Optional.empty(),
            TrainingPodPaths.INPUTS_FILE)
        .toJson();
  }

  /**
   * A dataset is one object when its URI names a .jsonl file, else every .jsonl object under the
   * prefix: the fetch step takes the parent address and the object's name.
   */
  private static FetchPlan.Dataset dataset(
      StorageLocation location, String target, PodStorage storage) {
    String uri = location.getUri().replaceAll("/+$", "");
    int slash = uri.lastIndexOf('/');
    boolean single = uri.endsWith(".jsonl") || uri.endsWith(".json");
    StorageLocation parent = copy(location);
    if (single && slash > uri.indexOf("://") + 2) {
      parent.setUri(uri.substring(0, slash));
      return new FetchPlan.Dataset(
          storage.address(parent, false), uri.substring(slash + 1), target);
    }
    return new FetchPlan.Dataset(storage.address(parent, false), "", target);
  }

  public static StorageLocation copy(StorageLocation location) {
    StorageLocation copy = new StorageLocation();
    copy.setUri(location.getUri());
    copy.setEndpoint(location.getEndpoint());
    copy.setRegion(location.getRegion());
    copy.setPathStyle(location.getPathStyle());
    copy.setCredentialsSecret(location.getCredentialsSecret());
    return copy;
  }

  static String settingsJson(FineTuneJobSpec spec) {
    ObjectNode settings = JSON.createObjectNode();
    settings.set("method", JSON.valueToTree(spec.getMethod()));
    if (spec.getHyperparameters() != null) {
      settings.set("hyperparameters", JSON.valueToTree(spec.getHyperparameters()));
    }
    return settings.toString();
  }

  public static String modelName(FineTuneJob ftj) {
    return Optional.ofNullable(ftj.getSpec().getOutput())
        .map(o -> o.getModelName())
        .orElse(ftj.getMetadata().getName());
  }

  private static String formatName(FineTuneJobSpec spec) {
    return JSON.valueToTree(spec.getDataset().getFormat()).asText();
  }

  private static ResourceRequirements computeResources(TrainingResources resources, int gpus) {
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
    if (resources.getCpu() != null) {
      builder.addToRequests("cpu", resources.getCpu());
    }
    if (resources.getMemory() != null) {
      builder.addToRequests("memory", resources.getMemory());
      builder.addToLimits("memory", resources.getMemory());
    }
    if (gpus > 0) {
      // Extended resources are requested through limits; Kubernetes copies them into requests.
      builder.addToLimits(GPU, new Quantity(String.valueOf(gpus)));
    }
    return builder.build();
  }

  private static Toleration gpuToleration() {
    return new TolerationBuilder()
        .withKey(GPU)
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Volume emptyDir(String name, String medium) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withMedium(medium)
        .endEmptyDir()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }
}
