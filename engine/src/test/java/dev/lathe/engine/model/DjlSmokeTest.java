package dev.lathe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlSmokeTest {

  @Test
  void pytorchEngineRunsOfflineFromTheNativeJar() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray product = a.matMul(a);
      assertThat(product.toFloatArray()).containsExactly(7, 10, 15, 22);
      assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
      System.out.println("engine " + Engine.getInstance().getVersion());
    }
  }
}
