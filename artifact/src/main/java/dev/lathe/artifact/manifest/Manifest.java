package dev.lathe.artifact.manifest;

import dev.lathe.artifact.ArtifactException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every digested resource of a model directory, in model-signing's order, and how they were made.
 *
 * @param serialization per file or per shard
 * @param shardSize the shard size for {@link Serialization#SHARDS}, else 0
 * @param resources sorted by path (segment by segment), then by shard start; no name twice
 * @param ignoredPaths paths left out of the manifest on purpose (signature files)
 */
public record Manifest(
    Serialization serialization,
    long shardSize,
    List<Resource> resources,
    List<String> ignoredPaths) {

  public Manifest {
    List<Resource> sorted = new ArrayList<>(resources);
    sorted.sort(Comparator.comparing(Resource::path).thenComparingLong(Resource::start));
    Set<String> names = new HashSet<>();
    for (Resource resource : sorted) {
      if (!names.add(resource.name())) {
        throw new ArtifactException("the manifest lists " + resource.name() + " twice");
      }
    }
    resources = List.copyOf(sorted);
    ignoredPaths = List.copyOf(ignoredPaths);
  }

  /** The digest algorithm name model-signing gives each resource. */
  public String resourceAlgorithm() {
    return serialization == Serialization.FILES ? "sha256" : "sha256-sharded-" + shardSize;
  }

  /** The distinct files the manifest covers. */
  public Set<ModelPath> files() {
    Set<ModelPath> files = new LinkedHashSet<>();
    resources.forEach(r -> files.add(r.path()));
    return files;
  }

  public long totalBytes() {
    return resources.stream().mapToLong(Resource::size).sum();
  }

  /**
   * The digest that stands for the whole model: SHA-256 over the concatenated raw digests of the
   * resources in manifest order, as OpenSSF model-signing computes its in-toto subject digest.
   */
  public byte[] subjectDigest() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      resources.forEach(r -> sha256.update(r.sha256()));
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #subjectDigest()} as "sha256:" and lowercase hex, the form used in statuses. */
  public String digestString() {
    return "sha256:" + HexFormat.of().formatHex(subjectDigest());
  }
}
