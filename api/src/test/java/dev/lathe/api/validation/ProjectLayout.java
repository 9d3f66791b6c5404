package dev.lathe.api.validation;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's top-level folders from wherever a module's tests run. */
public final class ProjectLayout {

  private ProjectLayout() {}

  /** The repository root: the nearest ancestor of the working directory that holds crds/. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no crds/ folder above " + Path.of("").toAbsolutePath());
  }

  public static Path crds() {
    return root().resolve("crds");
  }

  public static Path examples() {
    return root().resolve("examples");
  }
}
