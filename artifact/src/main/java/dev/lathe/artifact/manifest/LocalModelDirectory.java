package dev.lathe.artifact.manifest;

import dev.lathe.artifact.ArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model directory on a local or mounted file system. Symbolic links are refused, not followed.
 */
public record LocalModelDirectory(Path root) implements ModelFiles {

  @Override
  public List<ModelPath> list(Set<String> ignored) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArtifactException("not a directory: " + root);
    }
    List<ModelPath> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean skip =
                !dir.equals(root) && ignored.contains(ModelPath.relative(root, dir).value());
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            ModelPath path = ModelPath.relative(root, file);
            if (ignored.contains(path.value())) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
              throw new ArtifactException("symbolic links are not allowed in a model: " + path);
            }
            if (!attrs.isRegularFile()) {
              throw new ArtifactException("not a regular file: " + path);
            }
            files.add(path);
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(null);
    return files;
  }

  @Override
  public long size(ModelPath path) throws IOException {
    return Files.size(path.resolveIn(root));
  }

  @Override
  public InputStream open(ModelPath path, long start, long end) throws IOException {
    FileChannel channel =
        FileChannel.open(path.resolveIn(root), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    channel.position(start);
    return new dev.lathe.artifact.storage.RangeInputStream(
        Channels.newInputStream(channel), end - start);
  }

  @Override
  public long digest(ModelPath path, long start, long end, MessageDigest into) throws IOException {
    return FileDigests.mapped(path.resolveIn(root), start, end, into);
  }

  @Override
  public String describe() {
    return root.toString();
  }
}
