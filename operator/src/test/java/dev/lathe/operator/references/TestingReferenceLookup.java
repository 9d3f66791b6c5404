package dev.lathe.operator.references;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.storage.StoragePolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory {@link ReferenceLookup} for reconciler logic tests without a server. */
public class TestingReferenceLookup implements ReferenceLookup {

  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Set<String> claims = new HashSet<>();
  private final Map<String, ModelVersion> modelVersions = new HashMap<>();
  private StoragePolicy storagePolicy = StoragePolicy.NONE;

  /** The storage policy ConfigMap's data. */
  public TestingReferenceLookup withStoragePolicy(Map<String, String> data) {
    storagePolicy = StoragePolicy.fromData(data);
    return this;
  }

  @Override
  public StoragePolicy storagePolicy() {
    return storagePolicy;
  }

  public TestingReferenceLookup with(Secret secret) {
    secrets.put(key(secret), secret);
    return this;
  }

  public TestingReferenceLookup with(ConfigMap configMap) {
    configMaps.put(key(configMap), configMap);
    return this;
  }

  public TestingReferenceLookup with(ModelVersion version) {
    modelVersions.put(key(version), version);
    return this;
  }

  public TestingReferenceLookup withClaim(String namespace, String name) {
    claims.add(namespace + "/" + name);
    return this;
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(namespace + "/" + name));
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(namespace + "/" + name));
  }

  @Override
  public boolean persistentVolumeClaimExists(String namespace, String name) {
    return claims.contains(namespace + "/" + name);
  }

  @Override
  public Optional<ModelVersion> modelVersion(String namespace, String name) {
    return Optional.ofNullable(modelVersions.get(namespace + "/" + name));
  }

  private static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }
}
