package dev.lathe.engine.safetensors;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a .safetensors file (see {@link SafetensorsLayout}): the file is memory-mapped and every
 * tensor is a view of it.
 */
public final class SafetensorsFile {

  private final Path path;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
    this.path = path;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  public static SafetensorsFile read(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      SafetensorsLayout layout = SafetensorsLayout.read(path, channel);
      // Each tensor gets a mapping of its own: one mapping cannot exceed 2 GiB, and checkpoint
      // shards are often larger than that.
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (SafetensorsLayout.Slot slot : layout.tensors()) {
        MappedByteBuffer bytes =
            channel.map(FileChannel.MapMode.READ_ONLY, slot.begin(), slot.length());
        tensors.put(slot.name(), new Tensor(slot.name(), slot.dtype(), slot.shape(), bytes));
      }
      return new SafetensorsFile(path, Collections.unmodifiableMap(tensors), layout.metadata());
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return path;
  }

  /** Tensors by name, in header order. */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  public Tensor tensor(String name) {
    Tensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new SafetensorsException(path + " has no tensor " + name);
    }
    return tensor;
  }

  public Map<String, String> metadata() {
    return metadata;
  }
}
