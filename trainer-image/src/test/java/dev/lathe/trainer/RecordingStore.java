package dev.lathe.trainer;

import dev.lathe.artifact.storage.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A store that remembers every write and upload, in order and with its content, and can be told to
 * fail writes to some keys, as a flaky S3 endpoint would.
 */
final class RecordingStore implements ArtifactStore {

  /** One write or upload. */
  record Write(String key, byte[] content) {}

  private final ArtifactStore delegate;
  private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
  private volatile Predicate<String> failing = key -> false;

  RecordingStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  void failWritesTo(Predicate<String> keys) {
    this.failing = keys;
  }

  List<Write> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  List<String> keysWritten() {
    return writes().stream().map(Write::key).toList();
  }

  private void record(String key, byte[] content) throws IOException {
    if (failing.test(key)) {
      throw new IOException("injected failure writing " + key);
    }
    writes.add(new Write(key, content));
  }

  @Override
  public String uri(String key) {
    return delegate.uri(key);
  }

  @Override
  public void upload(Path source, String key) throws IOException {
    record(key, Files.readAllBytes(source));
    delegate.upload(source, key);
  }

  @Override
  public void write(String key, byte[] content) throws IOException {
    record(key, content.clone());
    delegate.write(key, content);
  }

  @Override
  public Optional<byte[]> read(String key) throws IOException {
    return delegate.read(key);
  }

  @Override
  public InputStream open(String key, long start, long end) throws IOException {
    return delegate.open(key, start, end);
  }

  @Override
  public Optional<Long> size(String key) throws IOException {
    return delegate.size(key);
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public void download(String key, Path target) throws IOException {
    delegate.download(key, target);
  }
}
