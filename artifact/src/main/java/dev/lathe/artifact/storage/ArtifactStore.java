package dev.lathe.artifact.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Enterprise-owned storage holding model artifacts: an S3-compatible bucket or a file system root.
 * Keys are relative, "/"-separated paths under the store's root.
 */
public interface ArtifactStore {

  /** The URI of a key, as it appears in statuses (s3://bucket/prefix/key, file:///root/key). */
  String uri(String key);

  /** Uploads a local file to the key, replacing nothing that is not there already. */
  void upload(Path source, String key) throws IOException;

  void write(String key, byte[] content) throws IOException;

  /** The content of a small object, or empty when the key does not exist. */
  Optional<byte[]> read(String key) throws IOException;

  /** Bytes [start, end) of the object. */
  InputStream open(String key, long start, long end) throws IOException;

  /** The size of the object, or empty when the key does not exist. */
  Optional<Long> size(String key) throws IOException;

  /** Every key under the prefix, recursively, sorted. */
  List<String> list(String prefix) throws IOException;

  /**
   * Deletes the object; deleting a key that does not exist is not an error. Stores that keep
   * everything (read-only views, test recorders) need not support it.
   */
  default void delete(String key) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " deletes nothing");
  }

  /**
   * The object's local file, when the store is a file system (so it can be mapped instead of
   * streamed); empty for remote stores.
   */
  default Optional<Path> localFile(String key) {
    return Optional.empty();
  }

  /** Downloads the object to a local file. */
  void download(String key, Path target) throws IOException;

  /** Joins key segments with "/". */
  static String join(String prefix, String key) {
    if (prefix == null || prefix.isEmpty()) {
      return key;
    }
    return prefix.endsWith("/") ? prefix + key : prefix + "/" + key;
  }
}
