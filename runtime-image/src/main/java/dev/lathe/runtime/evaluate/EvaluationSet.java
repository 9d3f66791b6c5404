package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.runtime.verify.StoreLocations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The evaluation set as read, with the sha256 of exactly the bytes that were scored, so the
 * analysis run records which set judged the candidate.
 *
 * @param examples the items, in file order, at most maxSamples of them
 * @param digest {@code sha256:} and the hex digest of the whole file
 */
record EvaluationSet(List<EvaluationExample> examples, String digest) {

  /** An evaluation set is small; a file this large is a mistake, not a set. */
  static final long MAX_BYTES = 64L << 20;

  /**
   * Reads the set at {@code location}: s3://BUCKET/KEY, pvc://CLAIM/PATH, file:///PATH or a local
   * path, opened through the same store flags as fetch-and-verify.
   */
  static EvaluationSet read(String location, StoreLocations stores, Integer maxSamples)
      throws IOException {
    byte[] content = fetch(location, stores);
    List<EvaluationExample> examples =
        EvaluationExample.parseAll(new String(content, StandardCharsets.UTF_8), location);
    if (maxSamples != null && examples.size() > maxSamples) {
      examples = examples.subList(0, maxSamples);
    }
    return new EvaluationSet(List.copyOf(examples), sha256(content));
  }

  private static byte[] fetch(String location, StoreLocations stores) throws IOException {
    int slash = location.lastIndexOf('/');
    if (slash < 0 || slash == location.length() - 1) {
      // A bare file name, or a location naming a directory rather than one JSONL object.
      if (!location.contains("://") && Files.isRegularFile(Path.of(location))) {
        return Files.readAllBytes(Path.of(location));
      }
      throw new IllegalArgumentException(
          "the evaluation set " + location + " must name one JSONL object, not a directory");
    }
    String parent = location.substring(0, slash);
    String key = location.substring(slash + 1);
    if (parent.isEmpty() || parent.endsWith(":/")) {
      parent = parent + "/";
    }
    ArtifactStore store = stores.open(parent);
    try {
      long size =
          store
              .size(key)
              .orElseThrow(() -> new IllegalArgumentException("no evaluation set at " + location));
      if (size > MAX_BYTES) {
        throw new IllegalArgumentException(
            "the evaluation set " + location + " is " + size + " bytes, over " + MAX_BYTES);
      }
      return store.read(key).orElseThrow();
    } finally {
      StoreLocations.close(store);
    }
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
