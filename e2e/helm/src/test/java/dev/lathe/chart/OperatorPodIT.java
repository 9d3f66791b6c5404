package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.S3Store;
import dev.lathe.controlplane.ControlPlaneBinaries;
import dev.lathe.controlplane.ImageResolver;
import dev.lathe.controlplane.LocalControlPlane;
import dev.lathe.controlplane.LocalKubelet;
import dev.lathe.engine.tinybase.TinyBaseModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator as a pod of the chart, and Lathe's story under the chart's RBAC and nothing more:
 * helm installs it, the controller-manager makes its pod, the local node runs the operator image as
 * the operator's own classes with what a kubelet gives a pod (the service-account token from the
 * TokenRequest API and the CA in the admission-injected projected volume,
 * KUBERNETES_SERVICE_HOST/PORT) and no kubeconfig. Storage is what a real install names in its
 * values: an S3 endpoint (here over loopback) with a credentials Secret in the served namespace;
 * the trainer and runtime images run as the real trainer and runtime. A signed base is imported and
 * verified, a LoRA FineTuneJob trains and publishes a ModelVersion signed with the chart's key, and
 * a ModelDeployment serves the adapter. Every status met on the way is checked with the chart's
 * Argo CD health script (and captured as its fixture on request, see {@link LiveHealth}); the
 * examples and the story's manifests show no drift under {@code kubectl diff}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorPodIT {

  private static final String OPERATOR_NAMESPACE = "lathe-system";
  private static final String SERVED = "ml-platform";
  private static final String EXAMPLE_MODEL = "llama-3-1-8b-instruct";
  private static final Duration STARTUP = Duration.ofMinutes(3);
  private static final Duration TRAINING = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalControlPlane plane;
  private static LocalKubelet node;
  private static KubernetesClient client;
  private static Helm helm;
  private static Kubectl kubectl;
  private static LoopbackS3 s3;
  private static KeyPair publisher;
  private static String baseDigest;
  private static StoryManifests story;
  private static LiveObjects live;
  private static LiveHealth health;
  private static final List<String> applied = new ArrayList<>();

  @BeforeAll
  static void installTheChartOnANodeThatRunsLathesImages() throws Exception {
    plane =
        LocalControlPlane.start(
            ControlPlaneBinaries.locate(RepositoryRoot.path().resolve("e2e/control-plane/go.mod")),
            LocalControlPlane.Options.withControllers());
    client = plane.client();
    helm = new Helm(plane.kubeconfig());
    kubectl = new Kubectl(plane.kubeconfig());
    live = new LiveObjects(client, SERVED);
    health = new LiveHealth(client.getKubernetesSerialization(), "OperatorPodIT");
    s3 = new LoopbackS3();
    story = new StoryManifests(SERVED, s3.endpoint());
    publishTheSignedBaseAndTheDataset();
    // One node with GPUs, as a small cluster's only node: the operator, the training, verify and
    // serving pods all run here.
    node =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(lathesImages())
                .withLabel("nvidia.com/gpu.product", StoryManifests.GPU_PRODUCT)
                .withCapacity("nvidia.com/gpu", "4"));
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
    storageCredentials(StoryManifests.CREDENTIALS, LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY);
    Path values = Files.createTempFile("lathe-pod-values-", ".yaml");
    Files.writeString(values, client.getKubernetesSerialization().asYaml(values()));
    helm.run("install", "lathe", Helm.chart(), "-n", OPERATOR_NAMESPACE, "-f", values.toString())
        .ok();
  }

  /** The values a team's install would set, plus what makes it quick and local here. */
  private static Map<String, Object> values() throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("watchNamespaces", List.of(SERVED));
    values.put("httpPort", freePort());
    values.put("logFormat", "text");
    values.put("javaOptions", "-Xmx256m -XX:+UseSerialGC");
    values.put(
        "resources",
        Map.of(
            "requests",
            Map.of("cpu", "100m", "memory", "256Mi"),
            "limits",
            Map.of("memory", "512Mi")));
    values.put("recheckSeconds", 2);
    values.put("progressSeconds", 1);
    values.put("trainerImage", Map.of("repository", "registry.local/lathe-trainer", "tag", "it"));
    values.put("runtimeImage", Map.of("repository", "registry.local/lathe-runtime", "tag", "it"));
    // The base's publisher is trusted besides the chart's own key, which signs what Lathe trains.
    values.put(
        "trustPolicy",
        Map.of("keys", Map.of("publisher", SigningKeys.publicKeyPem(publisher.getPublic()))));
    values.put(
        "defaultStorage",
        Map.of(
            "uri",
            "s3://models/fine-tuned",
            "endpoint",
            s3.endpoint().toString(),
            "pathStyle",
            true,
            "credentialsSecret",
            StoryManifests.CREDENTIALS));
    // fabric8 reads the in-cluster token and CA from these (the standard paths, which the local
    // node rewrites to the pod's projected volume); never a kubeconfig.
    values.put(
        "extraEnv",
        List.of(
            Map.of("name", "KUBERNETES_AUTH_TRYKUBECONFIG", "value", "false"),
            Map.of(
                "name", "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN",
                "value", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
            Map.of(
                "name", "KUBERNETES_CERTS_CA_FILE",
                "value", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")));
    return values;
  }

  private static void publishTheSignedBaseAndTheDataset() throws IOException {
    publisher = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Path tinyBase = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    baseDigest =
        new ArtifactPublisher(s3.store("models", "tiny-base"))
            .publish(tinyBase, "tiny-base", "", ModelHasher.files(), publisher, Optional.empty())
            .manifestDigest();
    // The same files, signed, then one byte changed: what a verifier must refuse.
    S3Store tampered = s3.store("models", "tampered");
    new ArtifactPublisher(tampered)
        .publish(tinyBase, "tiny-base", "", ModelHasher.files(), publisher, Optional.empty());
    byte[] config = tampered.read("config.json").orElseThrow();
    config[config.length - 2] ^= 1;
    tampered.write("config.json", config);
    StringBuilder lines = new StringBuilder();
    String[] words = {"apple", "river", "stone", "cloud", "maple", "ember", "frost", "lumen"};
    for (int i = 0; i < 16; i++) {
      String a = words[i % words.length];
      String b = words[(i * 3 + 1) % words.length];
      lines.append(
          "{\"prompt\": \"Copy: %s %s\\n\", \"completion\": \"%s %s\"}\n".formatted(a, b, a, b));
    }
    s3.store("datasets", "copy")
        .write("train.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() throws Exception {
    if (helm != null) {
      helm.run("uninstall", "lathe", "-n", OPERATOR_NAMESPACE);
    }
    if (node != null) {
      node.close();
    }
    if (plane != null) {
      plane.close();
    }
    if (s3 != null) {
      s3.close();
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
            .until(OperatorPodIT::lease, l -> l != null && l.getSpec().getHolderIdentity() != null);
    assertThat(lease.getSpec().getHolderIdentity()).startsWith(pod.getMetadata().getName() + "-");
    // Leadership is kept only by renewing the Lease (every 2 s, within 10 s): renewed, by the
    // same pod, which never restarted.
    Lease renewed =
        await()
            .atMost(STARTUP)
            .until(
                OperatorPodIT::lease,
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
    apply(Files.readString(example("modelversion-base-import.yaml")));
    // Its credentials Secret is missing: the operator can only say so by reading (get secrets),
    // and patching the status subresource, both under the chart's Role.
    GenericKubernetesResource refused =
        live.awaitStatus("ModelVersion", EXAMPLE_MODEL, "Accepted", "False", STARTUP);
    assertThat(LiveObjects.condition(refused, "Accepted").get())
        .containsEntry("reason", "SecretNotFound");
    health.expect(refused, "Degraded", "not-accepted");
    assertThat(refused.getMetadata().getFinalizers())
        .as("JOSDK added the ModelVersion finalizer (patch modelversions)")
        .isNotEmpty();
    assertThat(
            client.v1().events().inNamespace(SERVED).list().getItems().stream()
                .filter(e -> EXAMPLE_MODEL.equals(e.getInvolvedObject().getName())))
        .as("an Event says why (create events)")
        .isNotEmpty();

    storageCredentials("minio-credentials", "lathe", "not-a-real-secret");
    // With the credentials read (get secrets), the operator opens the import's store itself to
    // read the signature before it would start a verification Job; the example's endpoint does
    // not exist here, so the verdict is "could not read", retried, never a refusal.
    GenericKubernetesResource unreachable =
        live.awaitReason("ModelVersion", EXAMPLE_MODEL, "Verified", "StorageUnavailable", STARTUP);
    assertThat(LiveObjects.condition(unreachable, "Verified").get())
        .containsEntry("status", "Unknown");
    assertThat(LiveObjects.condition(unreachable, "Accepted").get())
        .containsEntry("status", "True");
    assertThat(client.batch().v1().jobs().inNamespace(SERVED).list().getItems())
        .as("nothing to verify in a pod before the signature could be read")
        .isEmpty();
    health.expect(unreachable, "Progressing", "storage-unavailable");
  }

  @Test
  @Order(3)
  void aSignedImportIsVerifiedByAJobAndATamperedOneIsRefusedNamingTheFile() throws IOException {
    apply(story.importedModel("tiny-base", "tiny-base"));
    apply(story.importedModel("tampered-import", "tampered"));
    // Verification runs in a Job the operator creates (create jobs) and watches (pods, jobs).
    expectWhileItLasts(
        "ModelVersion", "tampered-import", "Verified", "Verifying", "DigestMismatch", "verifying");
    GenericKubernetesResource refused =
        live.awaitReason("ModelVersion", "tampered-import", "Verified", "DigestMismatch", STARTUP);
    assertThat(LiveObjects.condition(refused, "Verified").get())
        .containsEntry("status", "False")
        .hasEntrySatisfying("message", m -> assertThat((String) m).contains("config.json"));
    health.expect(refused, "Degraded", "digest-mismatch");

    GenericKubernetesResource base =
        live.awaitStatus("ModelVersion", "tiny-base", "Verified", "True", STARTUP);
    assertThat(LiveObjects.status(base, "artifact", "manifestDigest")).contains(baseDigest);
    assertThat(LiveObjects.status(base, "signature", "keyId"))
        .as("signed by the publisher the chart's trustPolicy.keys trusts")
        .contains(SigningKeys.keyId(publisher.getPublic()));
    health.expect(base, "Healthy", "verified");
  }

  @Test
  @Order(4)
  void aFineTuneJobTrainsIntoAModelVersionSignedWithTheChartsKeyInTheDefaultStorage()
      throws IOException {
    apply(story.fineTuneJob("copy", "tiny-base"));
    // The situations a FineTuneJob can be in, side by side while "copy" trains: cheap ones, no
    // training pod runs for any of them.
    apply(story.fineTuneJob("no-base", "no-such-model"));
    apply(story.fineTuneJob("held", "tiny-base", "suspend: true"));
    apply(story.fineTuneJob("kueued", "tiny-base", "queueName: team-a"));
    apply(story.fineTuneJobOnTrainer("failing", "tiny-base", "registry.local/failing-trainer:1"));
    expectWhileItLasts("FineTuneJob", "copy", "Running", "Starting", "Training", "starting");
    GenericKubernetesResource training =
        live.awaitReason("FineTuneJob", "copy", "Running", "Training", TRAINING);
    health.expect(training, "Progressing", "training");

    health.expect(
        live.awaitStatus("FineTuneJob", "no-base", "Accepted", "False", STARTUP),
        "Degraded",
        "not-accepted");
    health.expect(
        live.awaitReason("FineTuneJob", "held", "Running", "Suspended", STARTUP),
        "Suspended",
        "spec-suspend");
    health.expect(
        live.awaitReason("FineTuneJob", "kueued", "Queued", "WaitingForKueue", STARTUP),
        "Suspended",
        "waiting-for-kueue");
    GenericKubernetesResource failed =
        live.awaitStatus("FineTuneJob", "failing", "Failed", "True", TRAINING);
    assertThat((String) LiveObjects.condition(failed, "Failed").get().get("message"))
        .as("the trainer's termination message, read from the pod (watch pods)")
        .contains("out of GPU memory at step 1");
    health.expect(failed, "Degraded", "training-failed");

    GenericKubernetesResource done =
        live.awaitStatus("FineTuneJob", "copy", "Succeeded", "True", TRAINING);
    health.expect(done, "Healthy", "succeeded");
    GenericKubernetesResource published =
        live.awaitStatus("ModelVersion", "copy", "Verified", "True", TRAINING);
    assertThat(String.valueOf(published.getAdditionalProperties().get("spec")))
        .as("written where the chart's defaultStorage says")
        .contains("s3://models/fine-tuned/" + SERVED + "/copy-");
    assertThat(LiveObjects.status(published, "signature", "keyId"))
        .as("signed with the key the chart generated, read from its Secret (get, by name)")
        .contains(SigningKeys.keyId(chartSigningKey().getPublic()));
    assertThat(LiveObjects.status(published, "lineage", "parents"))
        .as("its lineage names the base it was trained on")
        .contains(List.of(baseDigest));
  }

  @Test
  @Order(5)
  void aJobOverItsNamespacesGpuQuotaIsQueuedNamingTheQuota() throws IOException {
    client
        .resourceQuotas()
        .inNamespace(SERVED)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("gpus")
                .endMetadata()
                .withNewSpec()
                .addToHard("requests.nvidia.com/gpu", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    apply(story.fineTuneJob("over-quota", "tiny-base"));
    GenericKubernetesResource queued =
        live.awaitReason("FineTuneJob", "over-quota", "Queued", "QuotaExceeded", STARTUP);
    assertThat((String) LiveObjects.condition(queued, "Queued").get().get("message"))
        .as("read from the namespace's ResourceQuota (list, watch resourcequotas)")
        .contains("under ResourceQuota gpus");
    health.expect(queued, "Suspended", "quota-exceeded");
    // Neither it nor the held jobs should train while serving runs.
    for (String held : List.of("over-quota", "held", "kueued")) {
      client
          .genericKubernetesResources("lathe.dev/v1alpha1", "FineTuneJob")
          .inNamespace(SERVED)
          .withName(held)
          .delete();
      applied.removeIf(m -> m.contains("name: " + held + ","));
    }
    client.resourceQuotas().inNamespace(SERVED).withName("gpus").delete();
  }

  @Test
  @Order(6)
  void aModelDeploymentServesTheFineTunedAdapterOnItsBaseUnderTheChartsRbac() throws Exception {
    apply(story.modelDeployment("tiny-chat", "tiny-base", "copy"));
    apply(story.modelDeployment("no-model", "no-such-model", null));
    apply(story.modelDeployment("refused-model", "tampered-import", null));
    health.expect(
        live.awaitStatus("ModelDeployment", "no-model", "Accepted", "False", STARTUP),
        "Degraded",
        "not-accepted");
    health.expect(
        live.awaitReason(
            "ModelDeployment", "refused-model", "Degraded", "ModelNotVerified", STARTUP),
        "Degraded",
        "model-not-verified");

    expectWhileItLasts(
        "ModelDeployment",
        "tiny-chat",
        "Progressing",
        "PodsStarting",
        "RolledOut",
        "pods-starting");
    // A Deployment, Services and the adapters ConfigMap, made and watched under the chart's Role.
    GenericKubernetesResource ready =
        live.awaitStatus("ModelDeployment", "tiny-chat", "Ready", "True", TRAINING);
    health.expect(ready, "Healthy", "ready");
    assertThat(client.apps().deployments().inNamespace(SERVED).list().getItems()).isNotEmpty();

    Pod pod =
        client
            .pods()
            .inNamespace(SERVED)
            .withLabel("lathe.dev/model-deployment", "tiny-chat")
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .findFirst()
            .orElseThrow();
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://" + pod.getStatus().getPodIP() + ":8000/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"copy\",\"max_tokens\":4,\"temperature\":0,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Copy: apple"
                                + " river\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.get("system_fingerprint").asText())
        .as("the fine-tuned adapter answered, verified by its digest")
        .isEqualTo(
            LiveObjects.status(live.get("ModelVersion", "copy"), "artifact", "manifestDigest")
                .orElseThrow());
  }

  @Test
  @Order(7)
  void theOperatorWroteNoSpecSoKubectlDiffOfTheExamplesAndTheStoryShowsNothing()
      throws IOException {
    List<Path> examples = new ArrayList<>();
    try (var files = Files.list(RepositoryRoot.path().resolve("examples"))) {
      files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(examples::add);
    }
    for (Path example : examples) {
      if (!example.getFileName().toString().equals("modelversion-base-import.yaml")) {
        apply(Files.readString(example));
      }
    }
    // Reconciled, each of them: the operator observed its generation and wrote its status.
    for (Path example : examples) {
      GenericKubernetesResource object =
          client.getKubernetesSerialization().unmarshal(Files.readString(example));
      await()
          .atMost(STARTUP)
          .until(
              () -> live.get(object.getKind(), object.getMetadata().getName()),
              o ->
                  LiveObjects.status(o, "observedGeneration")
                      .map(g -> ((Number) g).longValue() == o.getMetadata().getGeneration())
                      .orElse(false));
    }
    for (Path example : examples) {
      Command.Result diff = kubectl.run(null, "diff", "-f", example.toString());
      assertThat(diff.exitCode()).as(example + ": " + diff.stdout() + diff.stderr()).isZero();
    }
    for (String manifest : applied) {
      Command.Result diff = kubectl.run(manifest, "diff", "-f", "-");
      assertThat(diff.exitCode()).as(manifest + diff.stdout() + diff.stderr()).isZero();
    }
  }

  @Test
  @Order(8)
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

  /**
   * A passing state (verifying, starting): waits until the condition has the passing reason or the
   * one that follows it, and checks (and captures) the health of the passing one when it was seen.
   * It lasts seconds, so it is seen in practice, but a test may not depend on catching it.
   */
  private static void expectWhileItLasts(
      String kind, String name, String type, String passing, String next, String situation)
      throws IOException {
    GenericKubernetesResource seen =
        live.awaitCondition(
            kind, name, type, c -> Set.of(passing, next).contains(c.get("reason")), TRAINING);
    if (passing.equals(LiveObjects.condition(seen, type).get().get("reason"))) {
      health.expect(seen, "Progressing", situation);
    }
  }

  /** An S3 credentials Secret in the served namespace, as a team would make it. */
  private static void storageCredentials(String name, String accessKey, String secretKey) {
    client
        .secrets()
        .inNamespace(SERVED)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", accessKey)
                .addToStringData("AWS_SECRET_ACCESS_KEY", secretKey)
                .build())
        .create();
  }

  /** Applies a manifest as a person or Argo CD would (kubectl apply), remembering it. */
  private static void apply(String manifest) {
    kubectl.run(manifest, "apply", "-f", "-").ok();
    applied.add(manifest);
  }

  private static Path example(String file) {
    return RepositoryRoot.path().resolve("examples").resolve(file);
  }

  /** The key the chart generated, as the operator reads it from the Secret. */
  private static KeyPair chartSigningKey() {
    String pem =
        client
            .secrets()
            .inNamespace(OPERATOR_NAMESPACE)
            .withName("lathe-signing-key")
            .get()
            .getData()
            .get("signing-key.pem");
    return SigningKeys.readKeyPair(
        new String(Base64.getDecoder().decode(pem), StandardCharsets.UTF_8));
  }

  /**
   * Lathe's images as local processes of this class path: the operator, the trainer (fetch, train,
   * verify), the runtime (fetch-and-verify, serve), and a trainer that fails as a custom one may,
   * with its message in the termination log.
   */
  private static ImageResolver lathesImages() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        Optional.ofNullable(System.getProperty("surefire.test.class.path"))
            .orElse(System.getProperty("java.class.path"));
    return ImageResolver.byImageSubstring(
        Map.of(
            "lathe-operator",
            List.of(java, "-cp", classPath, "dev.lathe.operator.LatheOperatorMain"),
            "lathe-trainer",
            List.of(
                java, "-Dai.djl.offline=true", "-cp", classPath, "dev.lathe.trainer.TrainerMain"),
            "lathe-runtime",
            List.of(
                java, "-Dai.djl.offline=true", "-cp", classPath, "dev.lathe.runtime.RuntimeMain"),
            "failing-trainer",
            List.of(
                "/bin/sh",
                "-c",
                "echo 'out of GPU memory at step 1' > \"$LATHE_TERMINATION_LOG\"; exit 3",
                "failing-trainer")));
  }

  private static Lease lease() {
    return client.leases().inNamespace(OPERATOR_NAMESPACE).withName("lathe-operator-leader").get();
  }

  private static String leaseHolder() {
    Lease lease = lease();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The operator pod whose process holds the Lease under {@code identity}. */
  private static Optional<String> podHolding(String identity) {
    return client.pods().inNamespace(OPERATOR_NAMESPACE).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .filter(name -> identity != null && identity.startsWith(name + "-"))
        .findFirst();
  }

  private static List<String> runningOperatorPods() {
    return operatorPods().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private static Optional<Pod> operatorPod() {
    return operatorPods().stream().findFirst();
  }

  private static List<Pod> operatorPods() {
    return client
        .pods()
        .inNamespace(OPERATOR_NAMESPACE)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
