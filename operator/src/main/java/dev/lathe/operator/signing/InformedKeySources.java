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
import java.util.function.Supplier;

/**
 * The signing key Secret from an informer watching it by name (a metadata.name field selector,
 * which RBAC's resourceNames allow to list and watch), and the trust policy ConfigMap from the
 * informer that holds the operator's policy ConfigMaps ({@code OperatorConfigMaps}). Every pod the
 * operator builds gets the namespace's trusted keys, and a reconcile must not wait on two GETs for
 * them; a rotated key or a new trusted key still takes effect at once, when the watch delivers it.
 */
public final class InformedKeySources implements KeySources, AutoCloseable {

  private final SharedIndexInformer<Secret> secret;
  private final Supplier<Optional<ConfigMap>> trust;

  private InformedKeySources(
      SharedIndexInformer<Secret> secret, Supplier<Optional<ConfigMap>> trust) {
    this.secret = secret;
    this.trust = trust;
  }

  /**
   * Not started: {@link #start} lists and watches.
   *
   * @param trustPolicy the trust policy ConfigMap as its informer last saw it
   */
  public static InformedKeySources of(
      KubernetesClient client,
      WorkloadSettings settings,
      Supplier<Optional<ConfigMap>> trustPolicy) {
    return new InformedKeySources(
        client
            .secrets()
            .inNamespace(settings.operatorNamespace())
            .withName(settings.signingSecret())
            .runnableInformer(0),
        trustPolicy);
  }

  /**
   * Starts the Secret's informer and waits for its first list.
   *
   * @throws IllegalStateException when it cannot list within {@code timeout} (RBAC, API down)
   */
  public void start(Duration timeout) {
    try {
      secret.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot watch the signing key Secret: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the key informers", e);
    }
  }

  /** The Secret's informer has listed and is watching. */
  public boolean isWatching() {
    return secret.hasSynced() && secret.isWatching();
  }

  @Override
  public Optional<Secret> signingSecret() {
    return only(secret.getStore().list());
  }

  @Override
  public Optional<ConfigMap> trustConfigMap() {
    return trust.get();
  }

  @Override
  public void close() {
    secret.stop();
  }

  private static <T> Optional<T> only(List<T> cached) {
    return cached.stream().findFirst();
  }
}
