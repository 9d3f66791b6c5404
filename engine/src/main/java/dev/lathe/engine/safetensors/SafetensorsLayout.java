package dev.lathe.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a .safetensors file keeps what: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the bytes. Checked the way the reference
 * implementation checks it: ranges inside the file, matching their shapes, and covering the data
 * without gaps or overlaps.
 *
 * @param prefix the file's first bytes, the length and the header, exactly as read
 * @param tensors in header order
 * @param metadata the header's {@code __metadata__}
 */
public record SafetensorsLayout(
    Path path, byte[] prefix, List<Slot> tensors, Map<String, String> metadata) {

  /**
   * Headers beyond this are refused before any allocation: a corrupt length cannot exhaust memory.
   */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor's place: bytes [begin, end) counted from the start of the file. */
  public record Slot(String name, DType dtype, long[] shape, long begin, long end) {
    public long length() {
      return end - begin;
    }
  }

  /** Reads and checks the header of an open file; the channel's position is not used. */
  public static SafetensorsLayout read(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    if (size < 8 || channel.read(lengthBytes, 0) != 8) {
      throw new SafetensorsException(path + " is too short to be safetensors");
    }
    long headerLength = lengthBytes.getLong(0);
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
      throw new SafetensorsException(path + ": invalid header length " + headerLength);
    }
    ByteBuffer prefix = ByteBuffer.allocate((int) (8 + headerLength));
    while (prefix.hasRemaining() && channel.read(prefix, prefix.position()) > 0) {
      // read until full
    }
    if (prefix.hasRemaining()) {
      throw new SafetensorsException(path + " shrank while its header was read");
    }
    return parse(path, prefix.array(), size);
  }

  /** The layout {@code prefix} (length and header) describes, for a file of {@code fileSize}. */
  static SafetensorsLayout parse(Path path, byte[] prefix, long fileSize) throws IOException {
    long dataStart = prefix.length;
    long dataLength = fileSize - dataStart;
    JsonNode header =
        JSON.readTree(new String(prefix, 8, prefix.length - 8, StandardCharsets.UTF_8));
    if (header == null || !header.isObject()) {
      throw new SafetensorsException(path + ": the header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Slot> slots = new ArrayList<>();
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
      slots.add(new Slot(entry.getKey(), dtype, shape, dataStart + begin, dataStart + end));
    }
    List<Slot> byOffset = new ArrayList<>(slots);
    byOffset.sort(Comparator.comparingLong(Slot::begin));
    long covered = dataStart;
    for (Slot slot : byOffset) {
      if (slot.begin() != covered) {
        throw new SafetensorsException(
            path + ": tensor data overlaps or leaves a gap at byte " + (covered - dataStart));
      }
      covered = slot.end();
    }
    if (covered != fileSize) {
      throw new SafetensorsException(
          path + ": " + (fileSize - covered) + " bytes after the last tensor");
    }
    return new SafetensorsLayout(
        path,
        Arrays.copyOf(prefix, prefix.length),
        Collections.unmodifiableList(slots),
        Collections.unmodifiableMap(metadata));
  }

  /** The tensors in the order their bytes lie in the file. */
  public List<Slot> inFileOrder() {
    List<Slot> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(Slot::begin));
    return byOffset;
  }

  @Override
  public byte[] prefix() {
    return prefix.clone();
  }
}
