package dev.lathe.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a .safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the bytes. The file is memory-mapped and every tensor
 * is a view of it. The header is checked the way the reference implementation checks it: ranges
 * inside the file, matching their shapes, and covering the data without gaps or overlaps.
 */
public final class SafetensorsFile {

  /**
   * Headers beyond this are refused before any allocation: a corrupt length cannot exhaust memory.
   */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

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
      long size = channel.size();
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size < 8 || channel.read(lengthBytes, 0) != 8) {
        throw new SafetensorsException(path + " is too short to be safetensors");
      }
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw new SafetensorsException(path + ": invalid header length " + headerLength);
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      while (headerBytes.hasRemaining()
          && channel.read(headerBytes, 8 + headerBytes.position()) > 0) {
        // read until full
      }
      JsonNode header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      return parse(path, header, channel, 8 + headerLength, size - 8 - headerLength);
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Each tensor gets a mapping of its own: one mapping cannot exceed 2 GiB, and checkpoint shards
   * are often larger than that.
   */
  private static SafetensorsFile parse(
      Path path, JsonNode header, FileChannel channel, long dataStart, long dataLength)
      throws IOException {
    if (header == null || !header.isObject()) {
      throw new SafetensorsException(path + ": the header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : header.properties()) {
      if (entry.getKey().equals("__metadata__")) {
        entry.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      JsonNode info = entry.getValue();
      DType dtype = DType.parse(info.path("dtype").asText());
      long[] shape = new long[info.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = info.path("shape").get(i).asLong();
      }
      long begin = info.path("data_offsets").path(0).asLong(-1);
      long end = info.path("data_offsets").path(1).asLong(-1);
      if (begin < 0 || end < begin || end > dataLength) {
        throw new SafetensorsException(
            path + ": " + entry.getKey() + " has data offsets outside the file");
      }
      if (end - begin > Integer.MAX_VALUE) {
        throw new SafetensorsException(path + ": " + entry.getKey() + " is larger than 2 GiB");
      }
      ranges.add(new long[] {begin, end});
      MappedByteBuffer bytes =
          channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
      tensors.put(entry.getKey(), new Tensor(entry.getKey(), dtype, shape, bytes));
    }
    ranges.sort(Comparator.comparingLong(r -> r[0]));
    long covered = 0;
    for (long[] range : ranges) {
      if (range[0] != covered) {
        throw new SafetensorsException(
            path + ": tensor data overlaps or leaves a gap at byte " + covered);
      }
      covered = range[1];
    }
    if (covered != dataLength) {
      throw new SafetensorsException(
          path + ": " + (dataLength - covered) + " bytes after the last tensor");
    }
    return new SafetensorsFile(
        path, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
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
