package dev.lathe.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A checkpoint ({@link Checkpoint}'s layouts) read front to back into memory this reader owns, each
 * byte once: every byte is shown to an {@link Observer} (a digest), and the tensors handed on are
 * made of those very bytes, never of the file again. What a caller loads is what its observer saw,
 * whatever happens to the files meanwhile; a memory map, whose pages follow the file, cannot
 * promise that.
 */
public final class StreamedCheckpoint {

  /** Sees every byte the reader reads, file by file, in file order. */
  public interface Observer {

    /** The next bytes of {@code file}; valid only during the call. */
    void read(String file, ByteBuffer bytes);

    /** The last byte of {@code file} was read; throws to refuse it. */
    void finished(String file);
  }

  /** Bytes read between two calls to the observer: small enough to be hashed from the cache. */
  static final int CHUNK_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Observer observer;
  private ByteBuffer staging = ByteBuffer.allocateDirect(0);

  public StreamedCheckpoint(Path directory, Observer observer) {
    this.directory = directory;
    this.observer = observer;
  }

  /**
   * Hands on every tensor of the checkpoint (for a sharded one, those its index assigns to each
   * shard), in file order. A tensor's bytes are valid only during the call: copy what is kept.
   */
  public void forEach(Consumer<Tensor> consumer) {
    Path index = directory.resolve(Checkpoint.INDEX_FILE);
    if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
      Path single = directory.resolve(Checkpoint.SINGLE_FILE);
      if (!Files.isRegularFile(single, LinkOption.NOFOLLOW_LINKS)) {
        throw new SafetensorsException(
            directory
                + " has neither "
                + Checkpoint.SINGLE_FILE
                + " nor "
                + Checkpoint.INDEX_FILE
                + " (no pickle is ever loaded)");
      }
      stream(Checkpoint.SINGLE_FILE, null, consumer);
      return;
    }
    for (Map.Entry<String, Set<String>> shard : shards(index).entrySet()) {
      stream(shard.getKey(), shard.getValue(), consumer);
    }
  }

  /** Which tensors each shard holds, by the index's weight_map (read through the observer). */
  private Map<String, Set<String>> shards(Path index) {
    JsonNode weightMap;
    try {
      byte[] bytes = Files.readAllBytes(index);
      observer.read(Checkpoint.INDEX_FILE, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
      observer.finished(Checkpoint.INDEX_FILE);
      weightMap = JSON.readTree(bytes).path("weight_map");
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + index + ": " + e.getMessage(), e);
    }
    Map<String, Set<String>> shards = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
      String shard = entry.getValue().asText();
      Checkpoint.requireInside(index, shard);
      shards.computeIfAbsent(shard, s -> new HashSet<>()).add(entry.getKey());
    }
    return shards;
  }

  private void stream(String name, Set<String> wanted, Consumer<Tensor> consumer) {
    Path file = directory.resolve(name);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      SafetensorsLayout layout = SafetensorsLayout.read(file, channel);
      observer.read(name, ByteBuffer.wrap(layout.prefix()).asReadOnlyBuffer());
      Set<String> missing = wanted == null ? new HashSet<>() : new HashSet<>(wanted);
      for (SafetensorsLayout.Slot slot : layout.inFileOrder()) {
        ByteBuffer bytes = readObserved(name, channel, slot);
        if (wanted == null || wanted.contains(slot.name())) {
          missing.remove(slot.name());
          consumer.accept(new Tensor(slot.name(), slot.dtype(), slot.shape(), bytes));
        }
      }
      observer.finished(name);
      if (!missing.isEmpty()) {
        throw new SafetensorsException(file + " has no tensor " + missing.iterator().next());
      }
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The slot's bytes in the staging buffer, shown to the observer chunk by chunk as they come. */
  private ByteBuffer readObserved(String name, FileChannel channel, SafetensorsLayout.Slot slot)
      throws IOException {
    int length = (int) slot.length();
    if (staging.capacity() < length) {
      staging = ByteBuffer.allocateDirect(length);
    }
    ByteBuffer bytes = staging.slice(0, length);
    int at = 0;
    while (at < length) {
      ByteBuffer chunk = bytes.slice(at, Math.min(CHUNK_BYTES, length - at));
      while (chunk.hasRemaining()) {
        if (channel.read(chunk, slot.begin() + at + chunk.position()) < 0) {
          throw new SafetensorsException(name + " shrank while it was read");
        }
      }
      observer.read(name, chunk.flip().asReadOnlyBuffer());
      at += chunk.limit();
    }
    return bytes;
  }
}
