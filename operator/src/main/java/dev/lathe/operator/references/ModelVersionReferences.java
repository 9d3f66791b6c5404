package dev.lathe.operator.references;

import dev.lathe.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Maps a ModelVersion event to the primary resources that name it, through an index on the primary
 * cache, so that a job or deployment waiting for a version is looked at when it appears.
 */
public final class ModelVersionReferences {

  private static final String INDEX = "lathe-modelversion-references";

  private ModelVersionReferences() {}

  /**
   * Indexes primaries by the ModelVersion names {@code referencedNames} gives (nulls ignored) and
   * returns the mapper from a ModelVersion to those primaries.
   */
  public static <P extends HasMetadata> SecondaryToPrimaryMapper<ModelVersion> indexPrimaries(
      EventSourceContext<P> context, Function<P, Stream<String>> referencedNames) {
    context
        .getPrimaryCache()
        .addIndexer(
            INDEX,
            primary ->
                referencedNames
                    .apply(primary)
                    .filter(Objects::nonNull)
                    .map(name -> key(primary.getMetadata().getNamespace(), name))
                    .toList());
    return version ->
        context
            .getPrimaryCache()
            .byIndex(
                INDEX, key(version.getMetadata().getNamespace(), version.getMetadata().getName()))
            .stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet());
  }

  /**
   * The ModelVersions a primary names, for a reconciler that reads them as its secondary resources.
   * Without it JOSDK answers from an index it fills only when a ModelVersion event arrives, so a
   * primary created after its ModelVersions last changed would never see them (OperatorPodIT found
   * it: a ModelDeployment of a long-verified version waited for it "not seen yet").
   */
  public static <P extends HasMetadata> PrimaryToSecondaryMapper<P> referencedBy(
      Function<P, Stream<String>> referencedNames) {
    return primary ->
        referencedNames
            .apply(primary)
            .filter(Objects::nonNull)
            .map(name -> new ResourceID(name, primary.getMetadata().getNamespace()))
            .collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
