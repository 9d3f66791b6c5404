package dev.lathe.operator;

import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.controlplane.ImageResolver;
import dev.lathe.controlplane.LocalKubelet;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the serving ITs set up alike on the real control plane: namespaces that enforce the
 * restricted Pod Security Standard, the loopback S3's credentials Secret, the operator's trust
 * policy, and a local node whose pods run Lathe's images as JVMs on this test's class path.
 */
final class ServingTestbed {

  static final String S3_SECRET = "s3-credentials";

  private ServingTestbed() {}

  static void restrictedNamespaces(KubernetesClient client, String... namespaces) {
    for (String ns : namespaces) {
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
  }

  /** Secret {@value #S3_SECRET} in {@code namespace}, holding the loopback S3's keys. */
  static void s3Credentials(KubernetesClient client, String namespace) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(S3_SECRET)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", LoopbackS3.ACCESS_KEY)
                .addToStringData("AWS_SECRET_ACCESS_KEY", LoopbackS3.SECRET_KEY)
                .build())
        .serverSideApply();
  }

  /** The trust policy ConfigMap of the operator's namespace, trusting {@code key}. */
  static void trustPolicy(KubernetesClient client, String operatorNamespace, KeyPair key) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("lathe-trust-policy")
                .withNamespace(operatorNamespace)
                .endMetadata()
                .addToData("operator.pem", SigningKeys.publicKeyPem(key.getPublic()))
                .build())
        .serverSideApply();
  }

  /**
   * A local node named {@code name} that runs the trainer image (verification Jobs) and, when
   * {@code runtime}, the runtime image (serving pods).
   */
  static LocalKubelet node(KubernetesClient client, String name, boolean runtime) {
    Map<String, List<String>> images = new LinkedHashMap<>();
    images.put("lathe-trainer", jvm("dev.lathe.trainer.TrainerMain"));
    if (runtime) {
      images.put("lathe-runtime", jvm("dev.lathe.runtime.RuntimeMain"));
    }
    return LocalKubelet.start(
        client,
        LocalKubelet.Options.defaults(ImageResolver.byImageSubstring(images)).withNodeName(name));
  }

  /**
   * What every serving IT sets up first: both namespaces under the restricted standard, the
   * loopback S3's credentials Secret in {@code namespace}, and a fresh signing key the operator's
   * trust policy trusts. Returns that key.
   */
  static KeyPair prepare(KubernetesClient client, String namespace, String operatorNamespace) {
    restrictedNamespaces(client, namespace, operatorNamespace);
    s3Credentials(client, namespace);
    KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    trustPolicy(client, operatorNamespace, key);
    return key;
  }

  /**
   * A started operator watching {@code namespace} with the test images and {@code environment}'s
   * further settings (e.g. LATHE_GATEWAY), ready to reconcile.
   */
  static LatheOperator operator(
      KubernetesClient client,
      String namespace,
      String operatorNamespace,
      Map<String, String> environment) {
    return operator(client, Set.of(namespace), operatorNamespace, environment);
  }

  /** A started operator watching every namespace of {@code namespaces}, as above. */
  static LatheOperator operator(
      KubernetesClient client,
      Set<String> namespaces,
      String operatorNamespace,
      Map<String, String> environment) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("LATHE_OPERATOR_NAMESPACE", operatorNamespace);
    env.put("LATHE_TRAINER_IMAGE", "registry.local/lathe-trainer:it");
    env.put("LATHE_RUNTIME_IMAGE", "registry.local/lathe-runtime:it");
    OperatorSettings settings =
        new OperatorSettings(
            false,
            "unused",
            null,
            namespaces,
            0,
            "127.0.0.1",
            Duration.ofSeconds(2),
            WorkloadSettings.fromEnvironment(env));
    LatheOperator lathe =
        LatheOperator.create(
            client, settings, new SimpleMeterRegistry(), Clock.systemUTC(), o -> {});
    lathe.start();
    await().atMost(Duration.ofSeconds(60)).until(lathe::isReady);
    return lathe;
  }

  /**
   * A ModelVersion {@code name} in {@code namespace} whose artifact is at s3://models/NAME on the
   * loopback S3 at {@code endpoint}: an adapter (peft-lora on {@code base}) when base is given.
   */
  static String modelVersionYaml(String namespace, String name, URI endpoint, String base) {
    return "apiVersion: lathe.dev/v1alpha1\n"
        + "kind: ModelVersion\n"
        + "metadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\n"
        + "spec:\n"
        + "  modelName: "
        + name
        + "\n"
        + (base != null
            ? "  format: peft-lora\n  base: " + base + "\n"
            : "  format: hf-safetensors\n")
        + "  source:\n"
        + "    storage: {uri: 's3://models/"
        + name
        + "', endpoint: '"
        + endpoint
        + "', pathStyle: true, credentialsSecret: "
        + S3_SECRET
        + "}\n";
  }

  /** Waits until ModelVersion {@code name} is Verified=True. */
  static void awaitVerified(KubernetesClient client, String namespace, String name) {
    await()
        .atMost(Duration.ofMinutes(8))
        .until(
            () -> client.resources(ModelVersion.class).inNamespace(namespace).withName(name).get(),
            v ->
                ResourceStatus.condition(v, "Verified")
                    .filter(c -> Condition.TRUE.equals(c.getStatus()))
                    .isPresent());
  }

  private static List<String> jvm(String mainClass) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true",
        "-cp",
        System.getProperty("java.class.path"),
        mainClass);
  }
}
