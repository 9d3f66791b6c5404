package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane is real: it serves our CRDs, enforces RBAC, and its controllers garbage-collect
 * and create ReplicaSets; closing it leaves no process behind.
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
      List<Pod> pods = client.pods().inNamespace("gc").list().getItems();
      assertThat(pods)
          .singleElement()
          .satisfies(p -> assertThat(p.getMetadata().getOwnerReferences()).isNotEmpty());
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
