package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane is real: it serves our CRDs, and its controllers garbage-collect, turn
 * Deployments and Jobs into Pods, and the scheduler binds them; closing it leaves no process
 * behind.
 */
class LocalControlPlaneIT {

  private static final java.nio.file.Path GO_MOD =
      ControlPlaneExtension.repositoryRoot().resolve("e2e/control-plane/go.mod");

  @Test
  void controlPlaneServesLatheCrdsRunsControllersAndLeavesNoProcessBehind() {
    List<ProcessHandle> processes;
    try (LocalControlPlane plane =
        LocalControlPlane.start(
            ControlPlaneBinaries.locate(GO_MOD),
            LocalControlPlane.Options.withControllers()
                .installingCrdsFrom(ControlPlaneExtension.repositoryRoot().resolve("crds")))) {
      KubernetesClient client = plane.client();
      processes = plane.processes();
      assertThat(processes).hasSize(4).allMatch(ProcessHandle::isAlive);

      assertThat(client.getKubernetesVersion().getGitVersion())
          .isEqualTo(ControlPlaneBinaries.pinnedVersion(GO_MOD));
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(crd -> crd.getMetadata().getName())
          .contains(
              "finetunejobs.lathe.dev", "modelversions.lathe.dev", "modeldeployments.lathe.dev");

      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("gc").endMetadata().build())
          .create();
      ConfigMap owner = client.resource(configMap("owner")).create();
      ConfigMap dependent = configMap("dependent");
      dependent
          .getMetadata()
          .setOwnerReferences(
              List.of(
                  new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                      .withApiVersion("v1")
                      .withKind("ConfigMap")
                      .withName("owner")
                      .withUid(owner.getMetadata().getUid())
                      .build()));
      client.resource(dependent).create();
      client.resource(owner).delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.configMaps().inNamespace("gc").withName("dependent").get() == null);

      client
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("node-a")
                  .endMetadata()
                  .withNewStatus()
                  .addToCapacity("cpu", new Quantity("4"))
                  .addToCapacity("memory", new Quantity("8Gi"))
                  .addToCapacity("pods", new Quantity("110"))
                  .addToAllocatable("cpu", new Quantity("4"))
                  .addToAllocatable("memory", new Quantity("8Gi"))
                  .addToAllocatable("pods", new Quantity("110"))
                  .endStatus()
                  .build())
          .create();
      Deployment deployment =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace("gc")
              .endMetadata()
              .withNewSpec()
              .withReplicas(1)
              .withNewSelector()
              .addToMatchLabels("app", "web")
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .addToLabels("app", "web")
              .endMetadata()
              .withNewSpec()
              // No kubelet ever makes the node Ready, so its not-ready taint must be tolerated.
              .addNewToleration()
              .withOperator("Exists")
              .endToleration()
              .addNewContainer()
              .withName("c")
              .withImage("registry.invalid/none:0")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build();
      client.resource(deployment).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !client
                      .pods()
                      .inNamespace("gc")
                      .withLabel("app", "web")
                      .list()
                      .getItems()
                      .isEmpty());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client.pods().inNamespace("gc").withLabel("app", "web").list().getItems().stream()
                      .allMatch(p -> "node-a".equals(p.getSpec().getNodeName())));
      List<Pod> pods = client.pods().inNamespace("gc").list().getItems();
      assertThat(pods)
          .singleElement()
          .satisfies(p -> assertThat(p.getMetadata().getOwnerReferences()).isNotEmpty());

      // The Job controller creates the training pods of a batch/v1 Job; deleting the Job
      // garbage-collects them: the ground the FineTuneJob workloads stand on.
      Job job =
          new JobBuilder()
              .withNewMetadata()
              .withName("train")
              .withNamespace("gc")
              .endMetadata()
              .withNewSpec()
              .withNewTemplate()
              .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer()
              .withName("trainer")
              .withImage("registry.invalid/trainer:0")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build();
      client.resource(job).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !client
                      .pods()
                      .inNamespace("gc")
                      .withLabel("job-name", "train")
                      .list()
                      .getItems()
                      .isEmpty());
      assertThat(client.pods().inNamespace("gc").withLabel("job-name", "train").list().getItems())
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getOwnerReferences())
                      .extracting("kind")
                      .containsExactly("Job"));
      client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      // A pod bound to a node stays Terminating until its kubelet confirms; there is no kubelet,
      // so the garbage collector's delete shows as a deletion timestamp.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client
                      .pods()
                      .inNamespace("gc")
                      .withLabel("job-name", "train")
                      .list()
                      .getItems()
                      .stream()
                      .allMatch(p -> p.getMetadata().getDeletionTimestamp() != null));
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void missingBinariesAreReportedWithTheCommandThatBuildsThem(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path goMod = dir.resolve("go.mod");
    java.nio.file.Files.writeString(
        goMod, "module x\n\nrequire (\n\tk8s.io/kubernetes v0.0.0-never-built // indirect\n)\n");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlPlaneBinaries.locate(goMod))
        .hasMessageContaining("the Kubernetes control plane is not built")
        .hasMessageContaining("build.sh");
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("gc")
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
