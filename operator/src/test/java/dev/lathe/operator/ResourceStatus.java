package dev.lathe.operator;

import static org.awaitility.Awaitility.await;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads what the operator reported on a resource, waiting for it where it comes later. */
final class ResourceStatus {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private ResourceStatus() {}

  static <R extends CustomResource<?, ? extends ConditionedStatus>> R current(
      KubernetesClient client, R resource) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) resource.getClass();
    return client
        .resources(type)
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .get();
  }

  static Optional<Condition> condition(
      CustomResource<?, ? extends ConditionedStatus> resource, String type) {
    if (resource == null || resource.getStatus() == null) {
      return Optional.empty();
    }
    return resource.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /** Waits until the resource's condition of {@code type} has {@code status}, and returns it. */
  static <R extends CustomResource<?, ? extends ConditionedStatus>> Condition awaitCondition(
      KubernetesClient client, R resource, String type, String status) {
    return await()
        .atMost(PATIENCE)
        .until(
            () ->
                condition(current(client, resource), type)
                    .filter(c -> status.equals(c.getStatus())),
            Optional::isPresent)
        .get();
  }

  /** The Events recorded about this very object (matched by uid). */
  static List<Event> eventsAbout(KubernetesClient client, HasMetadata resource) {
    return client
        .v1()
        .events()
        .inNamespace(resource.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> resource.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  /**
   * Creates a base ModelVersion and gives it the verdict a verification Job would have led to.
   * These tests have no storage to verify it from, so the running operator's own attempt settles
   * first (it cannot read the files); a version verified for its generation is not verified again.
   */
  static dev.lathe.api.v1alpha1.ModelVersion createVerified(
      KubernetesClient client, dev.lathe.api.v1alpha1.ModelVersion version) {
    dev.lathe.api.v1alpha1.ModelVersion created = client.resource(version).create();
    awaitCondition(client, created, "Verified", "Unknown");
    dev.lathe.api.v1alpha1.ModelVersion current = current(client, created);
    current.setStatus(Fixtures.verified(version).getStatus());
    return client.resource(current).updateStatus();
  }
}
