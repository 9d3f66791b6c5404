package dev.lathe.artifact.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;

/** The files of a model, wherever they are: a local directory or an artifact store. */
public interface ModelFiles {

  /** Every file, sorted, except the ignored ones; fails on symbolic links or irregular files. */
  List<ModelPath> list(java.util.Set<String> ignored) throws IOException;

  long size(ModelPath path) throws IOException;

  /** Bytes [start, end) of the file. */
  InputStream open(ModelPath path, long start, long end) throws IOException;

  /**
   * Feeds bytes [start, end) of the file into the digest and returns how many there were (fewer
   * when the file is shorter). Streams them by default; local files override it to map them.
   */
  default long digest(ModelPath path, long start, long end, MessageDigest into) throws IOException {
    try (InputStream in = open(path, start, end)) {
      return FileDigests.streamed(in, into);
    }
  }

  /** Where the files are, for messages. */
  String describe();
}
