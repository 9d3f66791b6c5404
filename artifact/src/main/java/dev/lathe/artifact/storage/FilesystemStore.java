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
 *
 * <p>Nothing below its boundary (the root, or the claim the root lies in) may be a symbolic link:
 * every key is checked component by component before it is read, written or deleted, so a link a
 * pod planted in its own claim cannot lead the operator into another namespace's files. (A pod that
 * swaps a directory for a link between that check and the use wins a race against a local file
 * system; the operator only reads small files and writes signatures there, and deletes only what a
 * verified signature lists.)
 */
public final class FilesystemStore implements ArtifactStore {

  private final Path boundary;
  private final Path root;

  /** A store whose root is its own boundary: no key may pass a symbolic link. */
  public FilesystemStore(Path root) {
    this(root.toAbsolutePath().normalize(), root.toAbsolutePath().normalize());
  }

  private FilesystemStore(Path boundary, Path root) {
    this.boundary = boundary;
    this.root = root;
  }

  /**
   * A store at {@code relative} (checked by {@link StoragePaths}) under {@code boundary}, with no
   * symbolic link allowed anywhere from {@code boundary} down: the directory of a claim, and a path
   * inside it that a tenant wrote.
   */
  public static FilesystemStore within(Path boundary, String relative) {
    Path top = boundary.toAbsolutePath().normalize();
    String checked = StoragePaths.checked(top.toString(), relative);
    Path root = checked.isEmpty() ? top : new ModelPath(checked).resolveIn(top);
    FilesystemStore store = new FilesystemStore(top, root);
    store.refuseLinks(root);
    return store;
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

  /** The key inside the root; a key that would escape it, or pass a link, is refused. */
  private Path resolve(String key) {
    Path path = key.isEmpty() ? root : new ModelPath(key).resolveIn(root);
    refuseLinks(path);
    return path;
  }

  private void refuseLinks(Path path) {
    Path current = boundary;
    for (Path name : boundary.relativize(path)) {
      current = current.resolve(name);
      if (Files.isSymbolicLink(current)) {
        throw new StoragePaths.UnsafeStoragePath(
            "symbolic link "
                + current
                + " is refused: nothing under "
                + boundary
                + " may lead outside it");
      }
    }
  }
}
