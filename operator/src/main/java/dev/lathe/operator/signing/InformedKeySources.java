package dev.lathe.operator.signing;

import dev.lathe.operator.WorkloadSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The signing key Secret and the trust policy ConfigMap from two informers, each watching one
 * object by name (a metadata.name field selector, which RBAC's resourceNames allow to list and
 * watch). Every pod the operator builds gets the namespace's trusted keys, and a reconcile must not
 * wait on two GETs for them; a rotated key or a new trusted key still takes effect at once, when
 * the watch delivers it.
 */
public final class InformedKeySources implements KeySources, AutoCloseable {

  private final SharedIndexInformer<Secret> secret;
  private final SharedIndexInformer<ConfigMap> trust;

  private InformedKeySources(
      SharedIndexInformer<Secret> secret, SharedIndexInformer<ConfigMap> trust) {
    this.secret = secret;
    this.trust = trust;
  }

  /** Not started: {@link #start} lists and watches. */
  public static InformedKeySources of(KubernetesClient client, WorkloadSettings settings) {
    return new InformedKeySources(
        client
            .secrets()
            .inNamespace(settings.operatorNamespace())
            .withName(settings.signingSecret())
            .runnableInformer(0),
        client
            .configMaps()
            .inNamespace(settings.operatorNamespace())
            .withName(settings.trustConfigMap())
            .runnableInformer(0));
  }

  /**
   * Starts both informers and waits for their first list.
   *
   * @throws IllegalStateException when either cannot list within {@code timeout} (RBAC, API down)
   */
  public void start(Duration timeout) {
    try {
      secret.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      trust.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot watch the signing key Secret and the trust policy ConfigMap: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the key informers", e);
    }
  }

  /** Both informers have listed and are watching. */
  public boolean isWatching() {
    return secret.hasSynced() && secret.isWatching() && trust.hasSynced() && trust.isWatching();
  }

  @Override
  public Optional<Secret> signingSecret() {
    return only(secret.getStore().list());
  }

  @Override
  public Optional<ConfigMap> trustConfigMap() {
    return only(trust.getStore().list());
  }

  @Override
  public void close() {
    secret.stop();
    trust.stop();
  }

  private static <T> Optional<T> only(List<T> cached) {
    return cached.stream().findFirst();
  }
}
