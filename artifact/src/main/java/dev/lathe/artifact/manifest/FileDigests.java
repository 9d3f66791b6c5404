package dev.lathe.artifact.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Feeds byte ranges into a digest. A local file is mapped rather than read: read() costs a kernel
 * copy into a buffer and the JDK a second copy onto the heap, together about a third more CPU than
 * SHA-256 itself with the SHA extensions; a mapped window goes to the digest from the page cache.
 */
public final class FileDigests {

  /** How much of a file is mapped at once, so a 16 GB file never needs 16 GB of address space. */
  static final long WINDOW_BYTES = 256L << 20;

  /** The buffer for streams (object stores), small enough to stay in the core's L2 cache. */
  static final int STREAM_BUFFER_BYTES = 256 << 10;

  private FileDigests() {}

  /**
   * Feeds bytes [start, end) of a local file into the digest; returns how many there were, fewer
   * when the file is shorter than {@code end}. A file truncated while it is mapped is reported as
   * an IOException, not a crash.
   */
  public static long mapped(Path file, long start, long end, MessageDigest into)
      throws IOException {
    return mapped(file, start, end, into, WINDOW_BYTES);
  }

  static long mapped(Path file, long start, long end, MessageDigest into, long windowBytes)
      throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long stop = Math.min(end, channel.size());
      long position = start;
      while (position < stop) {
        long length = Math.min(windowBytes, stop - position);
        MappedByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, position, length);
        try {
          into.update(window);
        } catch (InternalError e) {
          // The JVM turns SIGBUS, a mapped page beyond a file that shrank, into an InternalError.
          throw new IOException(file.getFileName() + " shrank while it was read", e);
        }
        position += length;
      }
      return Math.max(0, position - start);
    }
  }

  /** Feeds a stream into the digest to its end; returns how many bytes there were. */
  public static long streamed(InputStream in, MessageDigest into) throws IOException {
    byte[] buffer = new byte[STREAM_BUFFER_BYTES];
    long total = 0;
    int read;
    while ((read = in.read(buffer)) > 0) {
      into.update(buffer, 0, read);
      total += read;
    }
    return total;
  }
}
