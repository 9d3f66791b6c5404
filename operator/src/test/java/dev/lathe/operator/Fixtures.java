package dev.lathe.operator;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelFormat;
import dev.lathe.api.v1alpha1.ModelSource;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionSpec;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.validation.ProjectLayout;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Test objects, starting from the manifests users copy from examples/. */
public final class Fixtures {

  public static final String NAMESPACE = "ml-platform";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  /** The first document of examples/{file}, as the given type. */
  public static <T extends HasMetadata> T example(String file, Class<T> type) {
    try (InputStream in = Files.newInputStream(ProjectLayout.examples().resolve(file))) {
      return SERIALIZATION.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * examples/finetunejob-llama-lora.yaml: needs ModelVersion llama-3-1-8b-instruct and the Secret.
   */
  public static FineTuneJob loraJob() {
    return example("finetunejob-llama-lora.yaml", FineTuneJob.class);
  }

  /** examples/modeldeployment-canary.yaml: serves support-bot-v3. */
  public static ModelDeployment canaryDeployment() {
    return example("modeldeployment-canary.yaml", ModelDeployment.class);
  }

  /** An imported hf-safetensors ModelVersion without credentials. */
  public static ModelVersion baseModel(String name) {
    return modelVersion(name, ModelFormat.HF_SAFETENSORS, null);
  }

  /** The version with Verified=True, as the operator leaves a version whose files all match. */
  public static ModelVersion verified(ModelVersion version) {
    dev.lathe.api.v1alpha1.ModelVersionStatus status =
        new dev.lathe.api.v1alpha1.ModelVersionStatus();
    status
        .getConditions()
        .add(
            new dev.lathe.api.v1alpha1.Condition(
                "Verified", "True", "Verified", "every file matches"));
    // Generation 1: a version the operator has already verified, so it does not verify it again.
    status.getConditions().get(0).setObservedGeneration(1L);
    status.getConditions().get(0).setLastTransitionTime("2026-11-25T10:00:00Z");
    version.setStatus(status);
    return version;
  }

  /** An imported peft-lora ModelVersion trained on {@code base}. */
  public static ModelVersion adapter(String name, String base) {
    return modelVersion(name, ModelFormat.PEFT_LORA, base);
  }

  private static ModelVersion modelVersion(String name, ModelFormat format, String base) {
    ModelVersion version = new ModelVersion();
    version.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    ModelVersionSpec spec = new ModelVersionSpec();
    spec.setModelName(name);
    spec.setFormat(format);
    spec.setBase(base);
    StorageLocation location = new StorageLocation();
    location.setUri("s3://models/" + name);
    ModelSource source = new ModelSource();
    source.setStorage(location);
    spec.setSource(source);
    version.setSpec(spec);
    return version;
  }

  /** The S3 credentials Secret the examples name. */
  public static Secret minioCredentials() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("minio-credentials")
        .withNamespace(NAMESPACE)
        .endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", "lathe")
        .addToStringData("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
        .build();
  }

  /** The operator's signing key Secret in {@code namespace}, as an operator install holds it. */
  public static Secret signingKeySecret(String namespace, java.security.KeyPair key) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("lathe-signing-key")
        .withNamespace(namespace)
        .endMetadata()
        .addToStringData(
            WorkloadSettings.SIGNING_KEY_FILE,
            dev.lathe.artifact.signing.SigningKeys.privateKeyPem(key.getPrivate()))
        .build();
  }

  /**
   * Lets {@code namespace} use the operator's own credentials under s3://models (the fixtures'
   * imports name no Secret), through a storage policy ConfigMap of the test's own name in
   * lathe-system, so tests sharing one control plane do not overwrite each other's grants.
   *
   * @return the operator environment that names that policy
   */
  public static java.util.Map<String, String> grantOperatorCredentials(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String policy) {
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("lathe-system")
                .endMetadata()
                .build())
        .serverSideApply();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(policy)
                .withNamespace("lathe-system")
                .endMetadata()
                .addToData("models.prefixes", "s3://models")
                .addToData("models.namespaces", namespace)
                .build())
        .serverSideApply();
    return java.util.Map.of("LATHE_STORAGE_POLICY_CONFIGMAP", policy);
  }
}
