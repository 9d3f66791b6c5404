package dev.lathe.runtime.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.KvCache;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;

/**
 * One decoding step of the engine alone, as the runtime's decoding thread makes it (one token per
 * row, a KV cache, left padding, logits read back), without HTTP: its wall time per step, the
 * process's CPU time per step (all of libtorch's threads, so load on the machine does not move it),
 * the native arrays it creates (each at least one DJL call), and, in the same JVM, the time of its
 * matrix products alone at the same number of rows, so the step's time outside the GEMVs is their
 * difference. Run with the runtime's classpath:
 *
 * <pre>
 *   java -cp "runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*" \
 *     dev.lathe.runtime.bench.DecodeStepProbe [tiny|100m] [STEPS] [ROWS...]
 * </pre>
 */
public final class DecodeStepProbe {

  private static final int PROMPT = 2;

  private DecodeStepProbe() {}

  public static void main(String[] args) throws Exception {
    String shape = args.length > 0 ? args[0] : "100m";
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int[] rows =
        args.length > 2
            ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 8};
    if (steps < 8) {
      throw new IllegalArgumentException("STEPS must be at least 8, not " + steps);
    }
    ModelConfig config = config(shape);
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 7, manager)) {
      weights.fuseProjections();
      System.out.printf(
          "decode step, %s (%d layers, hidden %d), %d steps after a %d-token prompt, libtorch"
              + " threads %d%n",
          shape,
          config.numHiddenLayers(),
          config.hiddenSize(),
          steps,
          PROMPT,
          ai.djl.pytorch.jni.JniUtils.getNumThreads());
      for (int batch : rows) {
        Step step = measure(weights, manager, batch, steps);
        GemvProbe.Result gemv = GemvProbe.measure(config, batch, 50);
        System.out.printf(
            "rows %d: %.2f ms, %.2f CPU-ms per step; %d native arrays per step; GEMVs alone at"
                + " M=%d %.2f ms, %.2f CPU-ms; outside the GEMVs %.2f ms, %.2f CPU-ms%n",
            batch,
            step.millis(),
            step.cpuMillis(),
            step.arrays(),
            batch,
            gemv.millisPerToken(),
            gemv.cpuMillisPerToken(),
            step.millis() - gemv.millisPerToken(),
            step.cpuMillis() - gemv.cpuMillisPerToken());
      }
    }
  }

  private static ModelConfig config(String shape) throws Exception {
    ModelConfig tiny =
        ModelConfig.read(
            TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()))
                .resolve("config.json"));
    return switch (shape) {
      case "tiny" -> tiny;
      case "100m" -> BenchModel.config(tiny.vocabSize());
      default -> throw new IllegalArgumentException("shape is tiny or 100m, not " + shape);
    };
  }

  /** One step's median wall time, mean CPU time and native arrays created. */
  private record Step(double millis, double cpuMillis, int arrays) {}

  private static Step measure(LlamaWeights weights, NDManager manager, int rows, int steps)
      throws ReflectiveOperationException {
    LlamaModel model = new LlamaModel(weights);
    int vocab = weights.config().vocabSize();
    long[] next = new long[rows];
    int[] padding = new int[rows];
    double[] millis = new double[steps];
    int arrays = 0;
    long cpuStart = 0;
    try (KvCache cache = new KvCache(manager, weights.config().numHiddenLayers())) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        float[] logits =
            model
                .lastLogits(
                    manager.create(new long[rows * PROMPT], new Shape(rows, PROMPT)),
                    cache,
                    padding)
                .toFloatArray();
        pick(logits, vocab, next);
      }
      // The first steps warm libtorch's allocator and kernels up; CPU time counts from the fourth.
      for (int s = -3; s < steps; s++) {
        if (s == 0) {
          cpuStart = ProcessCpu.nanos();
        }
        long start = System.nanoTime();
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          float[] logits =
              model
                  .forward(manager.create(next, new Shape(rows, 1)), cache, padding, false)
                  .toFloatArray();
          pick(logits, vocab, next);
          if (s == steps - 1) {
            arrays = scoped(scope);
          }
        }
        if (s >= 0) {
          millis[s] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    double cpuMillis = (ProcessCpu.nanos() - cpuStart) / 1e6 / steps;
    Arrays.sort(millis);
    return new Step(millis[steps / 2], cpuMillis, arrays);
  }

  /** Argmax of each row, as a greedy request samples. */
  private static void pick(float[] logits, int vocab, long[] next) {
    for (int r = 0; r < next.length; r++) {
      int best = 0;
      for (int i = 1; i < vocab; i++) {
        if (logits[r * vocab + i] > logits[r * vocab + best]) {
          best = i;
        }
      }
      next[r] = best;
    }
  }

  /** How many arrays the scope holds: every array made inside it that it will close. */
  private static int scoped(NDScope scope) throws ReflectiveOperationException {
    Field resources = NDScope.class.getDeclaredField("resources");
    resources.setAccessible(true);
    return ((Map<?, ?>) resources.get(scope)).size();
  }
}
