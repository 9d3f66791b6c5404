package dev.lathe.operator.references;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.storage.StoragePolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/** Reads the objects a Lathe spec refers to, in the spec's namespace. */
public interface ReferenceLookup {

  Optional<Secret> secret(String namespace, String name);

  Optional<ConfigMap> configMap(String namespace, String name);

  boolean persistentVolumeClaimExists(String namespace, String name);

  Optional<ModelVersion> modelVersion(String namespace, String name);

  /** The platform team's storage policy, from the operator's namespace; NONE when there is none. */
  StoragePolicy storagePolicy();
}
