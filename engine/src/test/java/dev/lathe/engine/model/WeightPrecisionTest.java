package dev.lathe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import dev.lathe.engine.safetensors.SafetensorsException;
import dev.lathe.engine.safetensors.StreamedCheckpoint;
import dev.lathe.engine.safetensors.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weights stored in another floating-point type load as the float32 values Java's own conversion
 * ({@link Tensor#toFloats()}) reads from the same bytes, mapped or streamed.
 */
class WeightPrecisionTest {

  private static final ModelConfig CONFIG = ModelConfig.llama(32, 16, 24, 1, 2, 1, 64);
  private static final StreamedCheckpoint.Observer IGNORING =
      new StreamedCheckpoint.Observer() {
        @Override
        public void read(String file, ByteBuffer bytes) {}

        @Override
        public void finished(String file) {}
      };

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BF16", "F16", "F64"})
  void aCheckpointInAnotherFloatTypeLoadsAsTheFloatsJavaReadsFromItsBytes(DType dtype) {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights original = LlamaWeights.random(CONFIG, 5, 0.5, manager)) {
      List<Tensor> stored = original.toTensors(dtype);
      Checkpoint.write(dir, stored, Long.MAX_VALUE);
      try (LlamaWeights mapped = LlamaWeights.load(CONFIG, Checkpoint.open(dir), manager);
          LlamaWeights streamed =
              LlamaWeights.load(CONFIG, new StreamedCheckpoint(dir, IGNORING), manager)) {
        for (Tensor tensor : stored) {
          float[] expected = tensor.toFloats();
          for (LlamaWeights loaded : List.of(mapped, streamed)) {
            NDArray array = loaded.get(tensor.name());
            assertThat(array.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
            assertThat(array.toFloatArray()).as(tensor.name()).containsExactly(expected);
          }
        }
      }
    }
  }

  @Test
  void anIntegerTensorWhereAWeightBelongsIsRefusedByName() {
    Tensor ints =
        new Tensor("model.norm.weight", DType.I32, new long[] {4}, ByteBuffer.allocate(16));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> LlamaWeights.toArray(manager, ints))
          .isInstanceOf(SafetensorsException.class)
          .hasMessage("model.norm.weight is I32, not a floating-point tensor");
    }
  }
}
