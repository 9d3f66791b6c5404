package dev.lathe.artifact.manifest;

import dev.lathe.artifact.ArtifactException;
import java.nio.file.Path;

/**
 * A file's path inside a model directory: relative, with forward slashes, no empty, "." or ".."
 * segments, so that it can never point outside the directory it is resolved in.
 */
public record ModelPath(String value) implements Comparable<ModelPath> {

  public ModelPath {
    if (value == null || value.isEmpty()) {
      throw new ArtifactException("empty path in model directory");
    }
    if (value.startsWith("/") || value.contains("\\") || value.matches("^[A-Za-z]:.*")) {
      throw new ArtifactException("path must be relative with forward slashes: " + value);
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new ArtifactException("path escapes or is not normalised: " + value);
      }
    }
    if (value.chars().anyMatch(c -> c < 0x20)) {
      throw new ArtifactException(
          "path contains control characters: " + value.replaceAll("\\p{Cntrl}", "?"));
    }
  }

  /** The path of {@code file} relative to {@code root}, which must contain it. */
  public static ModelPath relative(Path root, Path file) {
    Path relative = root.relativize(file);
    StringBuilder value = new StringBuilder();
    for (Path segment : relative) {
      if (value.length() > 0) {
        value.append('/');
      }
      value.append(segment);
    }
    return new ModelPath(value.toString());
  }

  /** This path inside {@code root}. */
  public Path resolveIn(Path root) {
    Path resolved = root;
    for (String segment : value.split("/")) {
      resolved = resolved.resolve(segment);
    }
    return resolved;
  }

  /**
   * Segment by segment, as model-signing orders paths: "tokenizer/a.json" sorts before
   * "tokenizer.json", because the segment "tokenizer" sorts before "tokenizer.json".
   */
  @Override
  public int compareTo(ModelPath other) {
    String[] mine = value.split("/");
    String[] theirs = other.value.split("/");
    for (int i = 0; i < Math.min(mine.length, theirs.length); i++) {
      int compared = mine[i].compareTo(theirs[i]);
      if (compared != 0) {
        return compared;
      }
    }
    return Integer.compare(mine.length, theirs.length);
  }

  @Override
  public String toString() {
    return value;
  }
}
