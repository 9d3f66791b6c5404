package dev.lathe.engine.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;

/**
 * Writes a .safetensors file: tensors in the order given, the header padded with spaces to a
 * multiple of 8 bytes so the data is aligned, as the reference writer does. The file appears under
 * its name only when complete.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  public static void write(Path path, Collection<Tensor> tensors, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Tensor tensor : tensors) {
      ObjectNode info = header.putObject(tensor.name());
      info.put("dtype", tensor.dtype().name());
      ArrayNode shape = info.putArray("shape");
      for (long dimension : tensor.shape()) {
        shape.add(dimension);
      }
      long size = tensor.data().remaining();
      info.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();
    try {
      Path temporary =
          Files.createTempFile(path.toAbsolutePath().getParent(), ".safetensors-", ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(temporary);
            WritableByteChannel channel = Channels.newChannel(out)) {
          channel.write(prefix);
          for (Tensor tensor : tensors) {
            ByteBuffer data = tensor.data();
            while (data.hasRemaining()) {
              channel.write(data);
            }
          }
        }
        Files.move(
            temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new SafetensorsException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }
}
