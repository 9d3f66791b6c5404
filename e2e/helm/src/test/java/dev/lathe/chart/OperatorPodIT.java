package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.controlplane.ControlPlaneBinaries;
import dev.lathe.controlplane.ImageResolver;
import dev.lathe.controlplane.LocalControlPlane;
import dev.lathe.controlplane.LocalKubelet;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator as a pod of the chart: helm installs it, the controller-manager makes its pod, the
 * local node runs the operator image as the operator's own classes with what a kubelet gives a pod
 * (the service-account token from the TokenRequest API and the CA in the admission-injected
 * projected volume, KUBERNETES_SERVICE_HOST/PORT) and no kubeconfig, so every call it makes is
 * under the chart's ServiceAccount and RBAC.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorPodIT {

  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String SERVED = "ml-platform";
  private static final String MODEL = "llama-3-1-8b-instruct";
  private static final Duration STARTUP = Duration.ofMinutes(3);

  private static LocalControlPlane plane;
  private static LocalKubelet node;
  private static KubernetesClient client;
  private static Helm helm;
  private static Kubectl kubectl;

  @BeforeAll
  static void installTheChartOnANodeThatRunsTheOperatorImage() throws IOException {
    plane =
        LocalControlPlane.start(
            ControlPlaneBinaries.locate(RepositoryRoot.path().resolve("e2e/control-plane/go.mod")),
            LocalControlPlane.Options.withControllers());
    client = plane.client();
    helm = new Helm(plane.kubeconfig());
    kubectl = new Kubectl(plane.kubeconfig());
    node =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(
                ImageResolver.byImageSubstring(
                    Map.of(
                        "lathe-operator",
                        List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp",
                            operatorClassPath(),
                            "dev.lathe.operator.LatheOperatorMain")))));
    for (String ns : List.of(OPERATOR_NAMESPACE, SERVED)) {
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
    Path values = Files.createTempFile("lathe-pod-values-", ".yaml");
    Files.writeString(
        values,
        """
        watchNamespaces: [%s]
        httpPort: %d
        logFormat: text
        javaOptions: "-Xmx256m -XX:+UseSerialGC"
        resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 512Mi}}
        extraEnv:
          # fabric8 reads the in-cluster token and CA from these (the standard paths, which the
          # local node rewrites to the pod's projected volume); never a kubeconfig.
          - {name: KUBERNETES_AUTH_TRYKUBECONFIG, value: "false"}
          - name: KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN
            value: /var/run/secrets/kubernetes.io/serviceaccount/token
          - name: KUBERNETES_CERTS_CA_FILE
            value: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
        """
            .formatted(SERVED, freePort()));
    helm.run("install", "lathe", Helm.chart(), "-n", OPERATOR_NAMESPACE, "-f", values.toString())
        .ok();
  }

  @AfterAll
  static void stop() {
    if (helm != null) {
      helm.run("uninstall", "lathe", "-n", OPERATOR_NAMESPACE);
    }
    if (node != null) {
      node.close();
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  @Order(1)
  void theOperatorPodRunsUnderTheChartsServiceAccountAndTakesTheLeaderLease() {
    Pod pod =
        await()
            .atMost(STARTUP)
            .until(
                () -> operatorPod().filter(p -> "Running".equals(p.getStatus().getPhase())),
                Optional::isPresent)
            .get();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("lathe");
    assertThat(pod.getSpec().getVolumes())
        .as("the ServiceAccount admission plugin injected the token volume")
        .anyMatch(v -> v.getProjected() != null && v.getName().startsWith("kube-api-access-"));
    Lease lease =
        await()
            .atMost(STARTUP)
            .until(
                () ->
                    client
                        .leases()
                        .inNamespace(OPERATOR_NAMESPACE)
                        .withName("lathe-operator-leader")
                        .get(),
                l -> l != null && l.getSpec().getHolderIdentity() != null);
    assertThat(lease.getSpec().getHolderIdentity()).contains(pod.getMetadata().getName());
    // Leadership is kept only by renewing the Lease (every 2 s, within 10 s): renewed, by the
    // same pod, which never restarted.
    Lease renewed =
        await()
            .atMost(STARTUP)
            .until(
                () ->
                    client
                        .leases()
                        .inNamespace(OPERATOR_NAMESPACE)
                        .withName("lathe-operator-leader")
                        .get(),
                l ->
                    l.getSpec()
                        .getRenewTime()
                        .toInstant()
                        .isAfter(l.getSpec().getAcquireTime().toInstant().plusSeconds(12)));
    assertThat(renewed.getSpec().getHolderIdentity())
        .isEqualTo(lease.getSpec().getHolderIdentity());
    assertThat(operatorPod().get().getStatus().getContainerStatuses().get(0).getRestartCount())
        .isZero();
  }

  @Test
  @Order(2)
  void itReconcilesAModelVersionInTheServedNamespaceWithOnlyTheChartsPermissions()
      throws IOException {
    kubectl
        .run(
            null,
            "apply",
            "-f",
            RepositoryRoot.path().resolve("examples/modelversion-base-import.yaml").toString())
        .ok();
    // Its credentials Secret is missing: the operator can only say so by reading (get secrets),
    // and patching the status subresource, both under the chart's Role.
    GenericKubernetesResource refused =
        await()
            .atMost(STARTUP)
            .until(OperatorPodIT::model, m -> condition(m, "Accepted").isPresent());
    assertThat(condition(refused, "Accepted").get())
        .containsEntry("status", "False")
        .containsEntry("reason", "SecretNotFound");
    assertThat(liveHealth())
        .as("Argo CD's health of the status this reconcile wrote")
        .isEqualTo("Degraded");
    assertThat(refused.getMetadata().getFinalizers())
        .as("JOSDK added the ModelVersion finalizer (patch modelversions)")
        .isNotEmpty();
    assertThat(
            client.v1().events().inNamespace(SERVED).list().getItems().stream()
                .filter(e -> MODEL.equals(e.getInvolvedObject().getName())))
        .as("an Event says why (create events)")
        .isNotEmpty();

    client
        .secrets()
        .inNamespace(SERVED)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("minio-credentials")
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", "lathe")
                .addToStringData("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
                .build())
        .create();
    // Accepted now; verification is a Job in the served namespace (create jobs).
    await()
        .atMost(STARTUP)
        .untilAsserted(
            () ->
                assertThat(condition(model(), "Accepted"))
                    .hasValueSatisfying(c -> assertThat(c).containsEntry("status", "True")));
    // With the credentials read (get secrets), the operator opens the import's store itself to
    // read the signature before it would start a verification Job; the example's endpoint does
    // not exist here, so the verdict is "could not read", retried, never a refusal.
    await()
        .atMost(STARTUP)
        .untilAsserted(
            () ->
                assertThat(condition(model(), "Verified"))
                    .hasValueSatisfying(
                        c ->
                            assertThat(c)
                                .containsEntry("status", "Unknown")
                                .containsEntry("reason", "StorageUnavailable")));
    assertThat(client.batch().v1().jobs().inNamespace(SERVED).list().getItems())
        .as("nothing to verify in a pod before the signature could be read")
        .isEmpty();
    assertThat(liveHealth())
        .as("storage unreachable is retried: Progressing")
        .isEqualTo("Progressing");
  }

  @Test
  @Order(3)
  void theOperatorWroteNoSpecSoKubectlDiffOfTheAppliedFileShowsNothing() {
    Command.Result diff =
        kubectl.run(
            null,
            "diff",
            "-f",
            RepositoryRoot.path().resolve("examples/modelversion-base-import.yaml").toString());
    assertThat(diff.exitCode()).as(diff.stdout() + diff.stderr()).isZero();
  }

  @Test
  @Order(4)
  void withTwoReplicasOneLeadsAndTheOtherTakesOverWhenTheLeaderGoes() throws IOException {
    String leader = leaseHolder();
    String leaderPod = podHolding(leader).orElseThrow();
    helm.run(
            "upgrade",
            "lathe",
            Helm.chart(),
            "-n",
            OPERATOR_NAMESPACE,
            "--reuse-values",
            "--set",
            "replicas=2")
        .ok();
    assertThat(
            client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName("lathe")
                .get())
        .as("two replicas come with a disruption budget")
        .isNotNull();
    await().atMost(STARTUP).until(() -> runningOperatorPods().size() == 2);
    assertThat(leaseHolder()).as("the second replica waits").isEqualTo(leader);

    // The holder identity is the pod's name plus a per-process suffix, so a restarted container
    // in the same pod never mistakes its predecessor's Lease for its own: delete the pod, not the
    // identity.
    client.pods().inNamespace(OPERATOR_NAMESPACE).withName(leaderPod).delete();
    String successor =
        await()
            .atMost(STARTUP)
            .until(
                OperatorPodIT::leaseHolder,
                holder -> holder != null && !holder.isEmpty() && !holder.equals(leader));
    assertThat(runningOperatorPods()).contains(podHolding(successor).orElseThrow());
    // The leader gave the Lease up on SIGTERM (its shutdown hook, an update the chart's Role
    // allows), rather than the standby waiting for it to expire.
    assertThat(Files.readString(node.containerLog(OPERATOR_NAMESPACE, leaderPod, "operator").get()))
        .contains("released Lease " + OPERATOR_NAMESPACE + "/lathe-operator-leader")
        .doesNotContain("could not release Lease");
  }

  /** The operator pod whose process holds the Lease under {@code identity}. */
  private static Optional<String> podHolding(String identity) {
    return client.pods().inNamespace(OPERATOR_NAMESPACE).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .filter(name -> identity != null && identity.startsWith(name + "-"))
        .findFirst();
  }

  private static String leaseHolder() {
    Lease lease =
        client.leases().inNamespace(OPERATOR_NAMESPACE).withName("lathe-operator-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static List<String> runningOperatorPods() {
    return client
        .pods()
        .inNamespace(OPERATOR_NAMESPACE)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  /** The chart's Argo CD health script run by gopher-lua on the live ModelVersion. */
  private static String liveHealth() throws IOException {
    Path live = Files.createTempFile("lathe-live-", ".json");
    Files.writeString(live, client.getKubernetesSerialization().asJson(model()));
    Command.Result verdict =
        Command.run(
                Map.of(),
                List.of(
                    GoTools.luaHealth().toString(),
                    RepositoryRoot.chart().resolve("files/argocd/ModelVersion.lua").toString(),
                    live.toString()))
            .ok();
    return verdict.stdout().replaceAll("(?s).*\"status\":\"([A-Za-z]+)\".*", "$1");
  }

  private static Optional<Pod> operatorPod() {
    return client
        .pods()
        .inNamespace(OPERATOR_NAMESPACE)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems()
        .stream()
        .findFirst();
  }

  private static GenericKubernetesResource model() {
    return client
        .genericKubernetesResources("lathe.dev/v1alpha1", "ModelVersion")
        .inNamespace(SERVED)
        .withName(MODEL)
        .get();
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> condition(
      GenericKubernetesResource resource, String type) {
    if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map)) {
      return Optional.empty();
    }
    Map<String, Object> status =
        (Map<String, Object>) resource.getAdditionalProperties().get("status");
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream()
        .map(c -> (Map<String, Object>) c)
        .filter(c -> type.equals(c.get("type")))
        .findFirst();
  }

  /** The test class path: the operator's classes and every library they need. */
  private static String operatorClassPath() {
    return Optional.ofNullable(System.getProperty("surefire.test.class.path"))
        .orElse(System.getProperty("java.class.path"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
