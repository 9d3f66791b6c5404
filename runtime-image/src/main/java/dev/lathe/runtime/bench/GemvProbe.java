package dev.lathe.runtime.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The matrix-vector products of one decoded token alone, through the libtorch linear Lathe's engine
 * calls (DJL's Linear), at M=1: every 2-D weight of the model but the embedding table (a row
 * lookup), on random weights of the model's shapes, in this JVM's libtorch with its thread count.
 * Its time per token, against Lathe's time per token and llama.cpp's, says how much of the gap is
 * the GEMV kernels and how much is everything else a decoding step does.
 */
final class GemvProbe {

  /** Median wall time and mean process CPU time of one round of products, and their weights. */
  record Result(double millisPerToken, double cpuMillisPerToken, long weightBytes) {
    double gigabytesPerSecond() {
      return weightBytes / (millisPerToken / 1e3) / 1e9;
    }
  }

  private GemvProbe() {}

  static Result measure(ModelConfig config, int rounds) {
    return measure(config, 1, rounds);
  }

  /** As {@link #measure(ModelConfig, int)} with {@code rows} rows per product (M = rows). */
  static Result measure(ModelConfig config, int rows, int rounds) {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> weights = new ArrayList<>();
      long bytes = 0;
      for (Map.Entry<String, long[]> shape : LlamaWeights.expectedShapes(config).entrySet()) {
        if (shape.getValue().length == 2 && !shape.getKey().equals("model.embed_tokens.weight")) {
          weights.add(manager.randomUniform(-0.05f, 0.05f, new Shape(shape.getValue())));
          bytes += 4 * shape.getValue()[0] * shape.getValue()[1];
        }
      }
      List<NDArray> inputs = new ArrayList<>();
      for (NDArray weight : weights) {
        inputs.add(manager.ones(new Shape(rows, weight.getShape().get(1))));
      }
      double[] millis = new double[rounds];
      long cpuStart = 0;
      for (int round = -3; round < rounds; round++) {
        if (round == 0) {
          cpuStart = ProcessCpu.nanos();
        }
        long start = System.nanoTime();
        // libtorch on the CPU runs each call to completion before it returns.
        for (int i = 0; i < weights.size(); i++) {
          Linear.linear(inputs.get(i), weights.get(i)).singletonOrThrow().close();
        }
        if (round >= 0) {
          millis[round] = (System.nanoTime() - start) / 1e6;
        }
      }
      double cpuMillis = (ProcessCpu.nanos() - cpuStart) / 1e6 / rounds;
      Arrays.sort(millis);
      return new Result(millis[rounds / 2], cpuMillis, bytes);
    }
  }
}
