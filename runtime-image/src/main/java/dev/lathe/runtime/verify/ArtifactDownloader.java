package dev.lathe.runtime.verify;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies every object under a store prefix into a fresh local directory, signature included. The
 * copy is assembled in a sibling ".partial" directory and renamed into place at the end, so an
 * interrupted download never looks like a model.
 */
public final class ArtifactDownloader {

  private ArtifactDownloader() {}

  public static void download(ArtifactStore store, String prefix, Path target) {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      deleteRecursively(partial);
      Files.createDirectories(partial);
      List<String> keys = store.list(prefix);
      String root = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
      boolean signed = false;
      for (String key : keys) {
        String relative = key.substring(root.length());
        // The unsigned statement is the publisher's scratch copy; only the signed one counts.
        if (relative.equals(ArtifactLayout.UNSIGNED_STATEMENT)) {
          continue;
        }
        signed |= relative.equals(ArtifactLayout.SIGNATURE);
        Path file = partial.resolve(relative).normalize();
        if (!file.startsWith(partial)) {
          throw new ArtifactException("object " + key + " would escape " + target);
        }
        store.download(key, file);
      }
      if (!signed) {
        throw new dev.lathe.artifact.verify.VerificationException(
            dev.lathe.artifact.verify.VerificationException.Failure.UNSIGNED,
            store.uri(prefix),
            "no signature at "
                + store.uri(ArtifactStore.join(prefix, ArtifactLayout.SIGNATURE))
                + ": not a published artifact");
      }
      deleteRecursively(target);
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ArtifactException(
          "cannot download " + store.uri(prefix) + " to " + target + ": " + e.getMessage(), e);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
