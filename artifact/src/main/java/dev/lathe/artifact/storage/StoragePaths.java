package dev.lathe.artifact.storage;

import dev.lathe.artifact.ArtifactException;

/**
 * The one rule every component applies to a path inside a claim or a bucket before it touches
 * storage: relative, "/"-separated segments, none empty, "." or "..", no backslash, no control
 * character, no percent sign. A tenant names these paths; a path that could climb out of its claim
 * or prefix — literally, or once a URI decoder or an S3-compatible server normalises it — must
 * never reach a file system or an endpoint.
 */
public final class StoragePaths {

  private StoragePaths() {}

  /**
   * {@code path} (without leading or trailing "/") when it is safe; the empty path is the root.
   *
   * @throws UnsafeStoragePath naming what is wrong, with {@code what} saying whose path it is
   */
  public static String checked(String what, String path) {
    if (path.isEmpty()) {
      return path;
    }
    if (path.startsWith("/")) {
      throw new UnsafeStoragePath(what + ": absolute path '" + path + "' is refused");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        throw new UnsafeStoragePath(what + ": backslash in '" + printable(path) + "' is refused");
      }
      if (c == '%') {
        throw new UnsafeStoragePath(
            what + ": percent-encoding in '" + printable(path) + "' is refused");
      }
      if (c < 0x20 || c == 0x7f) {
        throw new UnsafeStoragePath(
            what + ": control character in '" + printable(path) + "' is refused");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new UnsafeStoragePath(what + ": empty segment in '" + path + "' is refused");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new UnsafeStoragePath(
            what + ": '" + segment + "' segment in '" + path + "' is refused: paths cannot climb");
      }
    }
    return path;
  }

  private static String printable(String path) {
    return path.replaceAll("\\p{Cntrl}", "?");
  }

  /** A storage path that could reach outside its claim or prefix; the message says why. */
  public static final class UnsafeStoragePath extends ArtifactException {
    public UnsafeStoragePath(String message) {
      super(message);
    }
  }
}
