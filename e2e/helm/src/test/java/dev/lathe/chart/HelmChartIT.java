package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lathe.controlplane.ControlPlaneBinaries;
import dev.lathe.controlplane.LocalControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart on a real API server (its own control plane: the shared one installs the CRDs itself,
 * and the chart must own them): server-side dry run, Pod Security, install, what the ServiceAccount
 * may and may not do, upgrade to a changed CRD, uninstall keeping CRDs and models. The steps build
 * on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartIT {

  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String SERVED = "ml-platform";
  private static final String NOT_SERVED = "team-elsewhere";
  private static final String OPERATOR = "system:serviceaccount:lathe-system:lathe";

  private static LocalControlPlane plane;
  private static KubernetesClient client;
  private static Helm helm;
  private static Kubectl kubectl;

  @BeforeAll
  static void startControlPlane() {
    plane =
        LocalControlPlane.start(
            ControlPlaneBinaries.locate(RepositoryRoot.path().resolve("e2e/control-plane/go.mod")),
            LocalControlPlane.Options.apiServerOnly());
    client = plane.client();
    helm = new Helm(plane.kubeconfig());
    kubectl = new Kubectl(plane.kubeconfig());
    for (String ns : List.of(OPERATOR_NAMESPACE, SERVED, NOT_SERVED)) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                  .endMetadata()
                  .build())
          .create();
    }
  }

  @AfterAll
  static void stopControlPlane() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  @Order(1)
  void everyRenderedObjectPassesTheApiServersServerSideDryRun() {
    String rendered = helm.template("watchNamespaces={" + SERVED + "}").ok().stdout();
    Command.Result applied = kubectl.run(rendered, "apply", "--dry-run=server", "-f", "-").ok();
    assertThat(applied.stdout())
        .contains(
            "customresourcedefinition.apiextensions.k8s.io/modelversions.lathe.dev created (server dry run)")
        .contains("deployment.apps/lathe created (server dry run)")
        .contains("role.rbac.authorization.k8s.io/lathe created (server dry run)");
  }

  @Test
  @Order(4)
  void theOperatorPodIsAdmittedUnderTheRestrictedPodSecurityStandard() {
    Deployment deployment =
        Manifests.parse(helm.template().ok().stdout()).only(Deployment.class, "Deployment");
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("lathe-operator-admission-check")
            .withNamespace(OPERATOR_NAMESPACE)
            .endMetadata()
            .withSpec(deployment.getSpec().getTemplate().getSpec())
            .build();
    client.pods().resource(pod).dryRun().create();

    Pod privileged =
        new PodBuilder(pod)
            .editSpec()
            .editFirstContainer()
            .editSecurityContext()
            .withAllowPrivilegeEscalation(true)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(() -> client.pods().resource(privileged).dryRun().create())
        .as("the namespace really enforces restricted: the same pod escalating is refused")
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted");
  }

  @Test
  @Order(2)
  void helmInstallCreatesTheCrdsTheOperatorAndItsGeneratedSigningKey() {
    helm.run(
            "install",
            "lathe",
            Helm.chart(),
            "-n",
            OPERATOR_NAMESPACE,
            "--set",
            "watchNamespaces={" + SERVED + "}")
        .ok();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                        .filter(c -> c.getSpec().getGroup().equals("lathe.dev"))
                        .filter(HelmChartIT::established)
                        .count()
                    == 3);
    assertThat(client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName("lathe").get())
        .isNotNull();
    var key = client.secrets().inNamespace(OPERATOR_NAMESPACE).withName("lathe-signing-key").get();
    assertThat(key.getData()).containsKey("signing-key.pem");
    assertThat(
            new String(java.util.Base64.getDecoder().decode(key.getData().get("signing-key.pem"))))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    Command.Result status = helm.run("status", "lathe", "-n", OPERATOR_NAMESPACE).ok();
    assertThat(status.stdout())
        .contains("STATUS: deployed")
        .contains("reconciling namespaces " + SERVED);
  }

  @Test
  @Order(3)
  void theOperatorsAccountMayDoWhatTheCodeDoesInTheNamespacesItServes() {
    for (String[] allowed :
        new String[][] {
          {"list", "finetunejobs.lathe.dev"},
          {"watch", "modelversions.lathe.dev"},
          {"create", "modelversions.lathe.dev"},
          {"create", "jobs.batch"},
          {"patch", "jobs.batch"},
          {"list", "pods"},
          {"watch", "pods"},
          {"get", "secrets"},
          {"create", "events"},
          {"create", "persistentvolumeclaims"},
          {"create", "deployments.apps"},
          // What OperatorPodIT's story used besides, each seen in its requests.
          {"patch", "deployments.apps"},
          {"create", "services"},
          {"patch", "configmaps"},
          {"watch", "resourcequotas"},
          {"update", "modelversions.lathe.dev"},
        }) {
      assertThat(kubectl.canI(OPERATOR, allowed[0], allowed[1], "-n", SERVED))
          .as("%s %s in %s", allowed[0], allowed[1], SERVED)
          .isTrue();
    }
    for (String kind : List.of("finetunejobs", "modelversions", "modeldeployments")) {
      assertThat(
              kubectl.canI(
                  OPERATOR, "patch", kind + ".lathe.dev", "--subresource=status", "-n", SERVED))
          .as("patch %s/status", kind)
          .isTrue();
    }
    assertThat(kubectl.canI(OPERATOR, "get", "secrets/lathe-signing-key", "-n", OPERATOR_NAMESPACE))
        .isTrue();
    assertThat(
            kubectl.canI(
                OPERATOR,
                "update",
                "leases.coordination.k8s.io/lathe-operator-leader",
                "-n",
                OPERATOR_NAMESPACE))
        .isTrue();
  }

  @Test
  @Order(5)
  void theOperatorsAccountCannotReadSecretsOrTouchPodsBeyondThat() {
    assertThat(kubectl.canI(OPERATOR, "get", "secrets", "-n", NOT_SERVED))
        .as("a namespace it does not serve")
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "list", "secrets", "-n", SERVED))
        .as("Secrets are read by name, never listed")
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "watch", "secrets", "-n", SERVED)).isFalse();
    assertThat(kubectl.canI(OPERATOR, "get", "secrets/someone-elses", "-n", OPERATOR_NAMESPACE))
        .as("in its own namespace only the signing key")
        .isFalse();
    for (String verb : List.of("create", "delete", "patch", "get")) {
      assertThat(kubectl.canI(OPERATOR, verb, "pods", "-n", SERVED)).as(verb + " pods").isFalse();
    }
    assertThat(kubectl.canI(OPERATOR, "create", "pods", "--subresource=exec", "-n", SERVED))
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "patch", "finetunejobs.lathe.dev", "-n", SERVED))
        .as("the operator never writes a FineTuneJob's spec")
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "list", "modelversions.lathe.dev", "-n", NOT_SERVED))
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "list", "modelversions.lathe.dev", "--all-namespaces"))
        .isFalse();
    assertThat(kubectl.canI(OPERATOR, "create", "jobs.batch", "-n", NOT_SERVED)).isFalse();
    assertThat(kubectl.canI(OPERATOR, "create", "clusterroles.rbac.authorization.k8s.io"))
        .isFalse();
    assertThat(
            kubectl.canI(
                OPERATOR, "create", "rolebindings.rbac.authorization.k8s.io", "-n", SERVED))
        .isFalse();
    assertThat(
            kubectl.canI(
                OPERATOR, "create", "serviceaccounts", "--subresource=token", "-n", SERVED))
        .isFalse();
  }

  @Test
  @Order(6)
  void helmUpgradeToAChangedCrdUpdatesItAndKeepsTheSigningKey() throws IOException {
    String keyBefore = signingKey();
    Path changed = copyOfChart();
    Path crd = changed.resolve("files/crds/modelversions.lathe.dev-v1.yml");
    String marker = "modelName is required";
    String text = Files.readString(crd);
    assertThat(text).as("the CRD text this test changes").contains(marker);
    Files.writeString(
        crd, text.replaceFirst(marker, "modelName (changed by HelmChartIT) is required"));

    helm.run("upgrade", "lathe", changed.toString(), "-n", OPERATOR_NAMESPACE, "--reuse-values")
        .ok();

    CustomResourceDefinition live =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("modelversions.lathe.dev")
            .get();
    assertThat(client.getKubernetesSerialization().asYaml(live)).contains("changed by HelmChartIT");
    assertThat(signingKey()).as("a generated key survives the upgrade").isEqualTo(keyBefore);
  }

  @Test
  @Order(7)
  void
      withoutWatchNamespacesOneClusterRoleServesEveryNamespaceButStillListsNoSecretsAndMakesNoPods() {
    helm.run(
            "upgrade",
            "lathe",
            Helm.chart(),
            "-n",
            OPERATOR_NAMESPACE,
            "--reuse-values",
            "--set-json",
            "watchNamespaces=[]")
        .ok();
    assertThat(client.rbac().roles().inNamespace(SERVED).withName("lathe").get())
        .as("the per-namespace Role is gone")
        .isNull();
    assertThat(kubectl.canI(OPERATOR, "list", "modelversions.lathe.dev", "--all-namespaces"))
        .isTrue();
    assertThat(kubectl.canI(OPERATOR, "get", "secrets", "-n", NOT_SERVED))
        .as("every namespace is served, so any may name its credentials")
        .isTrue();
    assertThat(kubectl.canI(OPERATOR, "list", "secrets", "--all-namespaces")).isFalse();
    assertThat(kubectl.canI(OPERATOR, "create", "pods", "-n", NOT_SERVED)).isFalse();
    assertThat(kubectl.canI(OPERATOR, "delete", "pods", "-n", NOT_SERVED)).isFalse();
    assertThat(kubectl.canI(OPERATOR, "list", "nodes")).isFalse();
    assertThat(kubectl.canI(OPERATOR, "delete", "customresourcedefinitions.apiextensions.k8s.io"))
        .isFalse();
  }

  @Test
  @Order(8)
  void helmUninstallKeepsTheCrdsTheModelVersionsAndTheSigningKey() throws IOException {
    Command.Result applied =
        kubectl.run(
            null,
            "apply",
            "-f",
            RepositoryRoot.path().resolve("examples/modelversion-base-import.yaml").toString());
    applied.ok();

    Command.Result uninstalled = helm.run("uninstall", "lathe", "-n", OPERATOR_NAMESPACE).ok();
    assertThat(uninstalled.stdout() + uninstalled.stderr())
        .contains("kept due to the resource policy")
        .contains("[CustomResourceDefinition] modelversions.lathe.dev")
        .contains("[Secret] lathe-signing-key");

    assertThat(client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName("lathe").get())
        .as("the operator is gone")
        .isNull();
    assertThat(client.rbac().roles().inNamespace(SERVED).withName("lathe").get()).isNull();
    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("modelversions.lathe.dev")
                .get())
        .isNotNull();
    GenericKubernetesResource model =
        client
            .genericKubernetesResources("lathe.dev/v1alpha1", "ModelVersion")
            .inNamespace(SERVED)
            .withName("llama-3-1-8b-instruct")
            .get();
    assertThat(model).as("the ModelVersion outlives the release").isNotNull();
    assertThat(client.secrets().inNamespace(OPERATOR_NAMESPACE).withName("lathe-signing-key").get())
        .isNotNull();
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  private static String signingKey() {
    return client
        .secrets()
        .inNamespace(OPERATOR_NAMESPACE)
        .withName("lathe-signing-key")
        .get()
        .getData()
        .get("signing-key.pem");
  }

  private static Path copyOfChart() throws IOException {
    Path source = RepositoryRoot.chart();
    Path target = Files.createTempDirectory("lathe-chart-").resolve("lathe");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    return target;
  }
}
