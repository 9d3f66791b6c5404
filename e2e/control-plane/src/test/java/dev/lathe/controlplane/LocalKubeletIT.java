package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local kubelet runs the pods that the real Job controller creates and the real scheduler binds
 * to its node, as local processes: here every image that contains {@code lathe-test/shell} runs as
 * {@code /bin/sh -c <args>}.
 */
@ExtendWith(ControlPlaneExtension.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LocalKubeletIT {

  private static final String NODE = "kubelet-it";
  private static final String SHELL = "registry.example/lathe-test/shell:1";
  private static final Duration WAIT = Duration.ofSeconds(45);

  private static LocalKubelet kubelet;
  private static java.time.ZonedDateTime firstLeaseRenewal;
  private static KubernetesClient client;

  @BeforeAll
  static void startKubelet(KubernetesClient shared, @org.junit.jupiter.api.io.TempDir Path root) {
    client = shared;
    kubelet =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(
                    ImageResolver.byImageSubstring(
                        Map.of("lathe-test/shell", List.of("/bin/sh", "-c"))))
                .withNodeName(NODE)
                .withLabel("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
                .withCapacity("nvidia.com/gpu", "8")
                .withTaint("nvidia.com/gpu", null, "NoSchedule")
                .withRootDirectory(root));
    firstLeaseRenewal =
        client
            .leases()
            .inNamespace("kube-node-lease")
            .withName(NODE)
            .get()
            .getSpec()
            .getRenewTime();
  }

  @AfterAll
  static void stopKubelet() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  @Test
  void jobRunsInitThenMainContainerSharingAnEmptyDirAndCompletesWithTheTerminationMessage() {
    String ns = namespace("kubelet-job");
    PodSpec spec =
        onThisNode()
            .withRestartPolicy("Never")
            .addNewVolume()
            .withName("work")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewInitContainer()
            .withName("fetch")
            .withImage(SHELL)
            .withArgs("echo fetched > /work/data.txt")
            .addNewVolumeMount()
            .withName("work")
            .withMountPath("/work")
            .endVolumeMount()
            .endInitContainer()
            .addNewContainer()
            .withName("train")
            .withImage(SHELL)
            .withArgs(
                "test \"$(cat /work/data.txt)\" = fetched && echo \"trained on $(cat $INPUT)\" > /dev/termination-log")
            .addNewEnv()
            .withName("INPUT")
            .withValue("/work/data.txt")
            .endEnv()
            .addNewVolumeMount()
            .withName("work")
            .withMountPath("/work")
            .endVolumeMount()
            .endContainer()
            .build();
    client.resource(job(ns, "train", spec)).create();

    awaitJobCondition(ns, "train", "Complete");

    Pod pod = onlyPod(ns, "train");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(pod.getStatus().getPodIP()).startsWith("127.");
    assertThat(pod.getStatus().getStartTime()).isNotNull();
    ContainerStateTerminated fetch =
        terminated(pod.getStatus().getInitContainerStatuses(), "fetch");
    ContainerStateTerminated train = terminated(pod.getStatus().getContainerStatuses(), "train");
    assertThat(fetch.getExitCode()).isZero();
    assertThat(fetch.getReason()).isEqualTo("Completed");
    assertThat(train.getExitCode()).isZero();
    assertThat(train.getReason()).isEqualTo("Completed");
    assertThat(train.getMessage()).isEqualTo("trained on fetched\n");
    assertThat(train.getStartedAt()).isGreaterThanOrEqualTo(fetch.getFinishedAt());
    assertThat(pod.getStatus().getConditions())
        .filteredOn(c -> List.of("PodScheduled", "Initialized").contains(c.getType()))
        .extracting(PodCondition::getStatus)
        .containsExactly("True", "True");
    assertThat(kubelet.containerLog(ns, pod.getMetadata().getName(), "train")).isPresent();
  }

  @Test
  void containerExitingThreeFailsThePodWithItsMessageAndTheJobWithoutRetries() {
    String ns = namespace("kubelet-fail");
    PodSpec spec =
        onThisNode()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("train")
            .withImage(SHELL)
            .withArgs("echo 'dataset has no rows' > /dev/termination-log; exit 3")
            .endContainer()
            .build();
    Job job = job(ns, "broken", spec);
    job.getSpec().setBackoffLimit(0);
    client.resource(job).create();

    awaitJobCondition(ns, "broken", "Failed");

    Pod pod = onlyPod(ns, "broken");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    ContainerStateTerminated train = terminated(pod.getStatus().getContainerStatuses(), "train");
    assertThat(train.getExitCode()).isEqualTo(3);
    assertThat(train.getReason()).isEqualTo("Error");
    assertThat(train.getMessage()).isEqualTo("dataset has no rows\n");
  }

  @Test
  void suspendingARunningJobStopsItsProcessAndThePodDisappears() {
    String ns = namespace("kubelet-suspend");
    PodSpec spec =
        onThisNode()
            .withRestartPolicy("Never")
            .withTerminationGracePeriodSeconds(5L)
            .addNewContainer()
            .withName("train")
            .withImage(SHELL)
            .withArgs("sleep 600")
            .endContainer()
            .build();
    client.resource(job(ns, "long", spec)).create();
    awaitOrDump(
        ns,
        () ->
            pods(ns, "long").stream()
                .anyMatch(
                    p ->
                        p.getStatus().getContainerStatuses() != null
                            && p.getStatus().getContainerStatuses().stream()
                                .anyMatch(s -> s.getState().getRunning() != null)));
    Pod running = onlyPod(ns, "long");
    assertThat(running.getStatus().getPhase()).isEqualTo("Running");
    List<ProcessHandle> processes = kubelet.processes();
    assertThat(processes).isNotEmpty();

    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName("long")
        .edit(
            j -> {
              j.getSpec().setSuspend(true);
              return j;
            });

    awaitOrDump(ns, () -> pods(ns, "long").isEmpty());
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void onFailureRestartsTheFailedContainerInTheSamePodAndCountsTheRestart() {
    String ns = namespace("kubelet-restart");
    PodSpec spec =
        onThisNode()
            .withRestartPolicy("OnFailure")
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewContainer()
            .withName("train")
            .withImage(SHELL)
            .withArgs("[ -f /scratch/tried ] && exit 0; touch /scratch/tried; exit 1")
            .addNewVolumeMount()
            .withName("scratch")
            .withMountPath("/scratch")
            .endVolumeMount()
            .endContainer()
            .build();
    client.resource(job(ns, "flaky", spec)).create();

    awaitJobCondition(ns, "flaky", "Complete");

    Pod pod = onlyPod(ns, "flaky");
    ContainerStatus train = pod.getStatus().getContainerStatuses().get(0);
    assertThat(train.getRestartCount()).isEqualTo(1);
    assertThat(train.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(train.getState().getTerminated().getExitCode()).isZero();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
  }

  @Test
  void imageWithoutALocalCommandFailsThePodWithImageNotRunnable() {
    String ns = namespace("kubelet-image");
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("gpu-only")
                .withNamespace(ns)
                .endMetadata()
                .withSpec(
                    onThisNode()
                        .withRestartPolicy("Never")
                        .addNewContainer()
                        .withName("serve")
                        .withImage("registry.example/vllm:0.6")
                        .endContainer()
                        .build())
                .build())
        .create();

    awaitOrDump(
        ns,
        () ->
            "Failed"
                .equals(
                    client
                        .pods()
                        .inNamespace(ns)
                        .withName("gpu-only")
                        .get()
                        .getStatus()
                        .getPhase()));
    Pod pod = client.pods().inNamespace(ns).withName("gpu-only").get();
    assertThat(pod.getStatus().getReason()).isEqualTo("ImageNotRunnable");
    assertThat(pod.getStatus().getMessage()).contains("registry.example/vllm:0.6", "serve", NODE);
    assertThat(terminated(pod.getStatus().getContainerStatuses(), "serve").getReason())
        .isEqualTo("ImageNotRunnable");
  }

  @Test
  void indexedJobPodsGetSecretEnvTheirCompletionIndexAndAClaimThatOutlivesEachPod() {
    String ns = namespace("kubelet-indexed");
    client
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("hub")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("token", "s3cret")
                .build())
        .create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("checkpoints")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    PodSpec spec =
        onThisNode()
            .withRestartPolicy("Never")
            .addNewVolume()
            .withName("ckpt")
            .withNewPersistentVolumeClaim()
            .withClaimName("checkpoints")
            .endPersistentVolumeClaim()
            .endVolume()
            .addNewContainer()
            .withName("train")
            .withImage(SHELL)
            .withArgs("echo \"$TOKEN-$INDEX\" >> $CKPT/runs && cp $CKPT/runs /dev/termination-log")
            .addNewEnv()
            .withName("TOKEN")
            .withNewValueFrom()
            .withNewSecretKeyRef("token", "hub", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("INDEX")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['batch.kubernetes.io/job-completion-index']")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("CKPT")
            .withValue("/checkpoints/run-1")
            .endEnv()
            .addNewVolumeMount()
            .withName("ckpt")
            .withMountPath("/checkpoints")
            .endVolumeMount()
            .endContainer()
            .build();
    spec.getContainers()
        .get(0)
        .setArgs(List.of("mkdir -p $CKPT && " + spec.getContainers().get(0).getArgs().get(0)));
    Job job = job(ns, "indexed", spec);
    job.getSpec().setCompletionMode("Indexed");
    job.getSpec().setCompletions(2);
    job.getSpec().setParallelism(1);
    client.resource(job).create();

    awaitJobCondition(ns, "indexed", "Complete");

    Pod second =
        pods(ns, "indexed").stream()
            .filter(
                p ->
                    "1"
                        .equals(
                            p.getMetadata()
                                .getAnnotations()
                                .get("batch.kubernetes.io/job-completion-index")))
            .findFirst()
            .orElseThrow();
    assertThat(terminated(second.getStatus().getContainerStatuses(), "train").getMessage())
        .isEqualTo("s3cret-0\ns3cret-1\n");
  }

  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void nodeIsReadyWithItsCapacityLabelsAndTaintsAndRenewsItsLease() {
    io.fabric8.kubernetes.api.model.Node node = client.nodes().withName(NODE).get();
    assertThat(node.getStatus().getAllocatable().get("nvidia.com/gpu").toString()).isEqualTo("8");
    assertThat(node.getMetadata().getLabels())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(node.getSpec().getTaints())
        .extracting(io.fabric8.kubernetes.api.model.Taint::getKey)
        .containsExactly("nvidia.com/gpu");
    assertThat(node.getStatus().getAddresses())
        .anySatisfy(a -> assertThat(a.getAddress()).isEqualTo("127.0.0.1"));
    assertThat(node.getStatus().getConditions())
        .filteredOn(c -> "Ready".equals(c.getType()))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                client
                    .leases()
                    .inNamespace("kube-node-lease")
                    .withName(NODE)
                    .get()
                    .getSpec()
                    .getRenewTime()
                    .isAfter(firstLeaseRenewal));
  }

  @Test
  void closingTheKubeletStopsItsProcessesAndDeletesItsNode(
      @org.junit.jupiter.api.io.TempDir Path root) {
    String ns = namespace("kubelet-close");
    String node = "kubelet-close-it";
    List<ProcessHandle> processes;
    try (LocalKubelet second =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(
                    ImageResolver.byImageSubstring(
                        Map.of("lathe-test/shell", List.of("/bin/sh", "-c"))))
                .withNodeName(node)
                .withRootDirectory(root))) {
      client
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("sleeper")
                  .withNamespace(ns)
                  .endMetadata()
                  .withNewSpec()
                  .withNodeName(node)
                  .addNewContainer()
                  .withName("sleep")
                  .withImage(SHELL)
                  .withArgs("sleep 600")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
      await().atMost(WAIT).until(() -> !second.processes().isEmpty());
      processes = second.processes();
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(client.nodes().withName(node).get()).isNull();
  }

  private static String namespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Pinned to this test's node (other tests may register nodes) and tolerating its GPU taint. */
  private static PodSpecBuilder onThisNode() {
    return new PodSpecBuilder()
        .addToNodeSelector("kubernetes.io/hostname", NODE)
        .addNewToleration()
        .withKey("nvidia.com/gpu")
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration();
  }

  private static Job job(String ns, String name, PodSpec spec) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withSpec(spec)
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<Pod> pods(String ns, String job) {
    return client.pods().inNamespace(ns).withLabel("job-name", job).list().getItems();
  }

  private static Pod onlyPod(String ns, String job) {
    List<Pod> pods = pods(ns, job);
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  private static ContainerStateTerminated terminated(List<ContainerStatus> statuses, String name) {
    Optional<ContainerStatus> status =
        statuses.stream().filter(s -> name.equals(s.getName())).findFirst();
    assertThat(status).isPresent();
    assertThat(status.get().getState().getTerminated()).as("state of " + name).isNotNull();
    return status.get().getState().getTerminated();
  }

  private static void awaitJobCondition(String ns, String job, String type) {
    awaitOrDump(
        ns,
        () -> {
          Job current = client.batch().v1().jobs().inNamespace(ns).withName(job).get();
          return current.getStatus() != null
              && current.getStatus().getConditions() != null
              && current.getStatus().getConditions().stream()
                  .map(JobCondition::getType)
                  .anyMatch(type::equals);
        });
  }

  /** Waits; on a timeout prints the namespace's pods and their container logs first. */
  private static void awaitOrDump(String ns, Callable<Boolean> condition) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(condition);
    } catch (RuntimeException | AssertionError e) {
      for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
        System.err.println(client.getKubernetesSerialization().asYaml(pod));
        for (var c : pod.getSpec().getContainers()) {
          kubelet
              .containerLog(ns, pod.getMetadata().getName(), c.getName())
              .ifPresent(
                  log -> System.err.println("--- log of " + c.getName() + ":\n" + read(log)));
        }
      }
      System.err.println(
          client
              .getKubernetesSerialization()
              .asYaml(client.batch().v1().jobs().inNamespace(ns).list()));
      throw e;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
