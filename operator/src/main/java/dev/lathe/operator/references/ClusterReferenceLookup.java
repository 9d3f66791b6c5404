package dev.lathe.operator.references;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.storage.StoragePolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Looks references up on the API server, and the storage policy in its informer: a spec's
 * references are read only when its acceptance is decided, the policy on every use of storage.
 */
public class ClusterReferenceLookup implements ReferenceLookup {

  private final KubernetesClient client;
  private final OperatorConfigMaps operatorConfigMaps;
  private final String storagePolicyConfigMap;

  /**
   * @param operatorConfigMaps the operator namespace's ConfigMaps, the storage policy among them:
   *     only the platform team writes there, never a tenant
   */
  public ClusterReferenceLookup(
      KubernetesClient client,
      OperatorConfigMaps operatorConfigMaps,
      String storagePolicyConfigMap) {
    this.client = client;
    this.operatorConfigMaps = operatorConfigMaps;
    this.storagePolicyConfigMap = storagePolicyConfigMap;
  }

  @Override
  public StoragePolicy storagePolicy() {
    return operatorConfigMaps
        .get(storagePolicyConfigMap)
        .map(c -> StoragePolicy.fromData(c.getData()))
        .orElse(StoragePolicy.NONE);
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  @Override
  public boolean persistentVolumeClaimExists(String namespace, String name) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() != null;
  }

  @Override
  public Optional<ModelVersion> modelVersion(String namespace, String name) {
    return Optional.ofNullable(
        client.resources(ModelVersion.class).inNamespace(namespace).withName(name).get());
  }
}
