package dev.lathe.controlplane;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns paths inside a container into paths on this machine. A local process cannot see a
 * volumeMount's mountPath, so every mount path that appears in an env value or an argument is
 * replaced by the directory that backs it. A mount path is recognised where it stands as a path of
 * its own: at the start of the value or after one of {@code = : , ; " '} or whitespace (so {@code
 * --out=/data/x}, {@code {"dir":"/data"}} and {@code /a:/data} all match), and only up to a path
 * boundary ({@code /data} does not match {@code /database}). The longest mount path wins, so a
 * mount at {@code /data/cache} beats one at {@code /data}.
 */
final class MountPathRewriter {

  private final List<Map.Entry<String, Path>> mounts;

  /**
   * @param localPaths mount path in the container → local path (a directory, or a file for the
   *     termination message path)
   */
  MountPathRewriter(Map<String, Path> localPaths) {
    this.mounts =
        localPaths.entrySet().stream()
            .map(e -> Map.entry(withoutTrailingSlash(e.getKey()), e.getValue()))
            // "/" would swallow every absolute path, including the process's own binaries.
            .filter(e -> e.getKey().length() > 1)
            .sorted(
                Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length())
                    .reversed())
            .toList();
  }

  String rewrite(String value) {
    if (value == null || value.indexOf('/') < 0 || mounts.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 32);
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) == '/' && (i == 0 || isDelimiter(value.charAt(i - 1)))) {
        Map.Entry<String, Path> mount = mountAt(value, i);
        if (mount != null) {
          out.append(mount.getValue());
          i += mount.getKey().length();
          continue;
        }
      }
      out.append(value.charAt(i));
      i++;
    }
    return out.toString();
  }

  private Map.Entry<String, Path> mountAt(String value, int start) {
    for (Map.Entry<String, Path> mount : mounts) {
      String path = mount.getKey();
      int end = start + path.length();
      if (value.startsWith(path, start)
          && (end == value.length()
              || value.charAt(end) == '/'
              || isDelimiter(value.charAt(end)))) {
        return mount;
      }
    }
    return null;
  }

  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c) || "=:,;\"'".indexOf(c) >= 0;
  }

  private static String withoutTrailingSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
