package dev.lathe.chart;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, found from wherever the tests run. */
final class RepositoryRoot {

  private RepositoryRoot() {}

  /** The nearest ancestor of the working directory that holds crds/ and pom.xml. */
  static Path path() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no crds/ and pom.xml above " + Path.of("").toAbsolutePath());
  }

  static Path chart() {
    return path().resolve("charts/lathe");
  }
}
