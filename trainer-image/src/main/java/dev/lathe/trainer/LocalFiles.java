package dev.lathe.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-system chores of the fetch step. */
final class LocalFiles {

  private LocalFiles() {}

  /**
   * Leaves {@code directory} existing and empty. The directory itself stays, since in a pod it is
   * often a volume's mount point, which cannot be removed.
   */
  static void emptyDirectory(Path directory) throws IOException {
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(directory);
      return;
    }
    List<Path> contents;
    try (Stream<Path> walk = Files.walk(directory)) {
      contents = walk.filter(p -> !p.equals(directory)).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : contents) {
      Files.deleteIfExists(path);
    }
  }

  /** Empties the directory after a failure, without letting a second error hide the first. */
  static void emptyQuietly(Path directory, Throwable failure) {
    try {
      emptyDirectory(directory);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
