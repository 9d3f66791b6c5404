package dev.lathe.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** The objects of a multi-document YAML stream, as helm template prints it. */
record Manifests(List<HasMetadata> objects) {

  static Manifests parse(String yaml) {
    Object parsed =
        Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    List<HasMetadata> objects =
        parsed instanceof List<?> list
            ? list.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList()
            : List.of((HasMetadata) parsed);
    return new Manifests(objects);
  }

  Stream<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind));
  }

  <T extends HasMetadata> T only(Class<T> type, String kind) {
    List<HasMetadata> found = ofKind(kind).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return type.cast(found.get(0));
  }
}
