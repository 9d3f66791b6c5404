package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The base model, as a platform team brings one in: Lathe's tiny Llama (pretrained once into the
 * cache), signed with the operator's key onto the namespace's models claim, and imported as a
 * ModelVersion that the operator verifies.
 */
final class BaseModelStep implements StoryStep {

  private final String name;

  BaseModelStep(String name) {
    this.name = name;
  }

  @Override
  public String title() {
    return "the tiny base model, signed onto claim 'models', imported as ModelVersion " + name;
  }

  @Override
  public List<String> watch(StoryContext story) {
    return List.of(
        "kubectl lathe status mv/" + name + " -n " + StoryContext.NAMESPACE + " --watch",
        "kubectl get mv -n " + StoryContext.NAMESPACE + " -w");
  }

  @Override
  public void run(StoryContext story) throws Exception {
    Path built = TinyBase.ensureBuilt(story);
    Path claims = story.target().claims();
    Path target = claims.resolve("models").resolve(name);
    deleteRecursively(target);
    Files.createDirectories(claims.resolve("datasets"));
    copyRecursively(built, target);
    story.lathe("sign", target.toString(), "--key", story.target().signingKey().toString());
    story.narrator().detail("signed " + target);
    story.apply(
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: models, namespace: %1$s}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: datasets, namespace: %1$s}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: lathe.dev/v1alpha1
        kind: ModelVersion
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          modelName: tiny-llama
          format: hf-safetensors
          description: the 1.8M-parameter tiny Llama Lathe pretrains for tests and demos
          source:
            storage: {uri: pvc://models/%2$s}
        """
            .formatted(StoryContext.NAMESPACE, name));
    story.await(
        ModelVersion.class,
        name,
        v -> ConditionCheck.is(v.getStatus(), ModelVersionStatus.VERIFIED, Condition.TRUE),
        v -> ConditionCheck.is(v.getStatus(), ModelVersionStatus.VERIFIED, Condition.FALSE),
        v -> ConditionCheck.describe(v.getStatus(), ModelVersionStatus.VERIFIED),
        Duration.ofMinutes(3));
  }

  static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path destination = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(file, destination);
        }
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
