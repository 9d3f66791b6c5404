package dev.lathe.operator.references;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The platform team's ConfigMaps in the operator's namespace (the storage policy, the trust
 * policy), each held by an informer on its one name: reconciles read them from memory instead of
 * sending a GET on every use, and an edit still takes effect without a restart. An informer on a
 * name lists and watches with a {@code metadata.name} field selector, so RBAC can grant it for
 * those names only.
 */
public final class OperatorConfigMaps implements AutoCloseable {

  private final Map<String, SharedIndexInformer<ConfigMap>> informers = new LinkedHashMap<>();

  public OperatorConfigMaps(KubernetesClient client, String namespace, Collection<String> names) {
    for (String name : names) {
      informers.put(
          name, client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0));
    }
  }

  /** Starts every informer and returns once each has listed its ConfigMap (or its absence). */
  public void start() {
    informers.values().forEach(SharedIndexInformer::run);
  }

  /**
   * The ConfigMap as last seen, empty when it does not exist.
   *
   * @throws IllegalArgumentException for a name this object was not made to hold
   */
  public Optional<ConfigMap> get(String name) {
    SharedIndexInformer<ConfigMap> informer = informers.get(name);
    if (informer == null) {
      throw new IllegalArgumentException("no informer holds the ConfigMap " + name);
    }
    return informer.getStore().list().stream().findFirst();
  }

  /** Whether every informer is connected, for readiness. */
  public boolean isWatching() {
    return informers.values().stream().allMatch(SharedIndexInformer::isWatching);
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
  }
}
