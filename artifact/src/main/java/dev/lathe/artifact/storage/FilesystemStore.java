package dev.lathe.artifact.storage;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.manifest.ModelPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A store rooted in a local directory or a mounted PersistentVolumeClaim. Every write goes to a
 * temporary file first and is renamed into place, so a reader never sees half an object.
 */
public final class FilesystemStore implements ArtifactStore {

  private final Path root;

  public FilesystemStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String uri(String key) {
    return resolve(key).toUri().toString();
  }

  @Override
  public void upload(Path source, String key) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path temporary = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
    try {
      Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public void write(String key, byte[] content) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path temporary = Files.createTempFile(target.getParent(), ".write-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        out.write(content);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public Optional<byte[]> read(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream open(String key, long start, long end) throws IOException {
    FileChannel channel =
        FileChannel.open(resolve(key), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    channel.position(start);
    return new java.io.BufferedInputStream(
        new RangeInputStream(Channels.newInputStream(channel), end - start));
  }

  @Override
  public Optional<Path> localFile(String key) {
    return Optional.of(resolve(key));
  }

  @Override
  public Optional<Long> size(String key) throws IOException {
    Path file = resolve(key);
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        ? Optional.of(Files.size(file))
        : Optional.empty();
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path dir = resolve(prefix);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.toList()) {
        if (Files.isSymbolicLink(file)) {
          throw new ArtifactException("symbolic link in store: " + root.relativize(file));
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            && !file.getFileName().toString().endsWith(".tmp")) {
          keys.add(ModelPath.relative(root, file).value());
        }
      }
    }
    keys.sort(null);
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(resolve(key));
  }

  @Override
  public void download(String key, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.copy(resolve(key), target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The key inside the root; a key that would escape it is refused. */
  private Path resolve(String key) {
    return key.isEmpty() ? root : new ModelPath(key).resolveIn(root);
  }
}
