package dev.lathe.chart;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Lathe's resources in one namespace as the API server has them, read without the api types. */
final class LiveObjects {

  private final KubernetesClient client;
  private final String namespace;

  LiveObjects(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The object, or null when there is none. */
  GenericKubernetesResource get(String kind, String name) {
    return client
        .genericKubernetesResources("lathe.dev/v1alpha1", kind)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  /** Waits until the object has a condition of {@code type} that {@code wanted} accepts. */
  GenericKubernetesResource awaitCondition(
      String kind,
      String name,
      String type,
      Predicate<Map<String, Object>> wanted,
      Duration patience) {
    return await()
        .atMost(patience)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(kind, name), o -> condition(o, type).filter(wanted).isPresent());
  }

  /** Waits until the condition {@code type} has {@code status}. */
  GenericKubernetesResource awaitStatus(
      String kind, String name, String type, String status, Duration patience) {
    return awaitCondition(kind, name, type, c -> status.equals(c.get("status")), patience);
  }

  /** Waits until the condition {@code type} has {@code reason}. */
  GenericKubernetesResource awaitReason(
      String kind, String name, String type, String reason, Duration patience) {
    return awaitCondition(kind, name, type, c -> reason.equals(c.get("reason")), patience);
  }

  @SuppressWarnings("unchecked")
  static Optional<Map<String, Object>> condition(GenericKubernetesResource resource, String type) {
    if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map)) {
      return Optional.empty();
    }
    Map<String, Object> status =
        (Map<String, Object>) resource.getAdditionalProperties().get("status");
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream()
        .map(c -> (Map<String, Object>) c)
        .filter(c -> type.equals(c.get("type")))
        .findFirst();
  }

  /** A field of the object's status, e.g. {@code ("artifact", "manifestDigest")}. */
  @SuppressWarnings("unchecked")
  static Optional<Object> status(GenericKubernetesResource resource, String... path) {
    Object at = resource == null ? null : resource.getAdditionalProperties().get("status");
    for (String key : path) {
      if (!(at instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      at = ((Map<String, Object>) map).get(key);
    }
    return Optional.ofNullable(at);
  }
}
