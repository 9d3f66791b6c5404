package dev.lathe.operator.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.operator.names.BoundedNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The digest of what the operator wanted an object to be, kept in an annotation on it. The API
 * server fills defaults into what it stores, so the stored object never equals the desired one;
 * comparing the annotation tells "the operator's wish changed" without a field-by-field walk, and
 * the decision compares the few fields a person is likely to edit by hand (replicas, selectors,
 * data) directly.
 */
public final class SpecHash {

  // Map.of iterates in an order that differs from one JVM to the next: sort, so a restarted
  // operator computes the same hash.
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private SpecHash() {}

  public static String of(Object desired) {
    try {
      return "sha256:" + BoundedNames.digest(JSON.writeValueAsString(desired)).substring(0, 32);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + desired, e);
    }
  }

  static void annotate(HasMetadata object, Object desired) {
    if (object.getMetadata().getAnnotations() == null) {
      object.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    object.getMetadata().getAnnotations().put(ServingNames.SPEC_HASH_ANNOTATION, of(desired));
  }

  public static Optional<String> on(HasMetadata object) {
    if (object.getMetadata() == null || object.getMetadata().getAnnotations() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        object.getMetadata().getAnnotations().get(ServingNames.SPEC_HASH_ANNOTATION));
  }
}
