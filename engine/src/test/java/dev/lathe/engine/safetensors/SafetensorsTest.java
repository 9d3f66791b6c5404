package dev.lathe.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  @Test
  void tensorsRoundTripInEveryFloatTypeWithAlignedData() {
    float[] values = {0f, 1f, -2.5f, 3.140625f, 65504f, 1e-3f};
    Tensor f32 = Tensor.ofFloats("a.weight", new long[] {2, 3}, values);
    List<Tensor> tensors =
        List.of(f32, f32.to(DType.F16).renamed("b"), f32.to(DType.BF16).renamed("c"));

    SafetensorsWriter.write(dir.resolve("m.safetensors"), tensors, Map.of("format", "pt"));
    SafetensorsFile read = SafetensorsFile.read(dir.resolve("m.safetensors"));

    assertThat(read.metadata()).containsEntry("format", "pt");
    assertThat(read.tensor("a.weight").toFloats()).containsExactly(values);
    assertThat(read.tensor("b").dtype()).isEqualTo(DType.F16);
    assertThat(read.tensor("b").toFloats())
        .containsExactly(0f, 1f, -2.5f, 3.140625f, 65504f, 0.0010004044f);
    assertThat(read.tensor("c").toFloats())
        .containsExactly(0f, 1f, -2.5f, 3.140625f, 65536f, 9.994507E-4f);
    assertThat(read.tensor("a.weight").shape()).containsExactly(2, 3);
    assertThat(headerLength(dir.resolve("m.safetensors")) % 8)
        .as("data starts 8-byte aligned")
        .isZero();
  }

  @Test
  void largeCheckpointsAreShardedWithAnIndexAndReadBackWhole() {
    List<Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      float[] values = new float[256];
      java.util.Arrays.fill(values, i);
      tensors.add(Tensor.ofFloats("layers." + i + ".weight", new long[] {16, 16}, values));
    }

    Checkpoint.write(dir, tensors, 2048);
    Checkpoint read = Checkpoint.open(dir);

    assertThat(dir.resolve(Checkpoint.INDEX_FILE)).exists();
    assertThat(dir.resolve("model-00003-of-00003.safetensors")).exists();
    assertThat(read.tensors()).hasSize(5);
    assertThat(read.tensor("layers.4.weight").toFloats()[255]).isEqualTo(4f);
  }

  @Test
  void directoryWithoutSafetensorsIsRefusedAndNoPickleIsTried() throws Exception {
    Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");

    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("no pickle is ever loaded");
  }

  @Test
  void corruptHeadersAreRefusedBeforeAnyTensorIsRead() throws Exception {
    assertRefused(
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        12,
        "bytes after the last tensor");
    assertRefused(
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8, "outside the file");
    assertRefused(
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes");
    assertRefused(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
        6,
        "overlaps or leaves a gap");
    assertRefused(
        "{\"t\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}",
        1,
        "unsupported dtype Q4");

    Path huge = dir.resolve("huge.safetensors");
    Files.write(
        huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertThatThrownBy(() -> SafetensorsFile.read(huge))
        .hasMessageContaining("invalid header length");
  }

  private void assertRefused(String header, int dataBytes, String message) throws Exception {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer file =
        ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(json.length).put(json);
    Path path = Files.write(dir.resolve("bad.safetensors"), file.array());
    assertThatThrownBy(() -> SafetensorsFile.read(path))
        .as(header)
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining(message);
  }

  private static long headerLength(Path file) {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
          .order(ByteOrder.LITTLE_ENDIAN)
          .getLong();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
