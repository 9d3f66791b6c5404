package dev.lathe.cli.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Shows one resource on every change, from an informer on that one name (which lists, watches and
 * re-lists after a dropped connection), until the thread is interrupted or the JVM stops. A
 * resource that does not exist yet is waited for, so a watch may start before the apply.
 */
final class StatusWatch {

  private final KubernetesClient client;
  private final Class<? extends CustomResource<?, ?>> type;
  private final String namespace;
  private final ResourceRef ref;
  private final Clock clock;

  StatusWatch(
      KubernetesClient client,
      Class<? extends CustomResource<?, ?>> type,
      String namespace,
      ResourceRef ref,
      Clock clock) {
    this.client = client;
    this.type = type;
    this.namespace = namespace;
    this.ref = ref;
    this.clock = clock;
  }

  void run(StatusScreen screen) {
    // Renders happen on this thread, in order; the informer's thread only hands over snapshots.
    BlockingQueue<Optional<CustomResource<?, ?>>> changes = new LinkedBlockingQueue<>();
    ResourceEventHandler<CustomResource<?, ?>> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(CustomResource<?, ?> resource) {
            changes.add(Optional.of(resource));
          }

          @Override
          public void onUpdate(CustomResource<?, ?> old, CustomResource<?, ?> resource) {
            changes.add(Optional.of(resource));
          }

          @Override
          public void onDelete(CustomResource<?, ?> resource, boolean finalStateUnknown) {
            changes.add(Optional.empty());
          }
        };
    @SuppressWarnings({"unchecked", "rawtypes"})
    SharedIndexInformer<CustomResource<?, ?>> informer =
        (SharedIndexInformer)
            client.resources(type).inNamespace(namespace).withName(ref.name()).inform();
    try {
      informer.addEventHandler(handler);
      if (informer.getStore().list().isEmpty()) {
        screen.show(waiting(), clock.instant());
      }
      while (true) {
        Optional<CustomResource<?, ?>> change = changes.take();
        screen.show(
            change.map(r -> StatusViews.render(r, clock.instant())).orElseGet(this::deleted),
            clock.instant());
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    } finally {
      informer.close();
    }
  }

  private String waiting() {
    return ref + " does not exist in namespace " + namespace + " yet; waiting for it\n";
  }

  private String deleted() {
    return ref + " was deleted from namespace " + namespace + "; waiting for it to come back\n";
  }
}
