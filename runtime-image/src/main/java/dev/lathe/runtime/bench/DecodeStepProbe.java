package dev.lathe.runtime.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.KvCache;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * One decoding step of the engine alone, as the runtime's decoding thread makes it (one token per
 * row, a KV cache, left padding, logits read back), without HTTP: its wall time per step, the
 * process's CPU time per step (all of libtorch's threads, so load on the machine does not move it),
 * the native arrays it creates (each at least one DJL call), and, in the same JVM, the time of its
 * matrix products alone at the same number of rows, so the step's time outside the GEMVs is their
 * difference. Each of SEQUENCES sequences (after one that warms up) is prefilled with a prompt of
 * the serving benchmark's length and decodes STEPS tokens, as a request of that many tokens does;
 * the prefill's time is the engine's share of a request's time to first token. Run with the
 * runtime's classpath:
 *
 * <pre>
 *   java -cp "runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*" \
 *     dev.lathe.runtime.bench.DecodeStepProbe [tiny|100m] [STEPS] [SEQUENCES] [ROWS...]
 * </pre>
 */
public final class DecodeStepProbe {

  private DecodeStepProbe() {}

  public static void main(String[] args) throws Exception {
    String shape = args.length > 0 ? args[0] : "100m";
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int sequences = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int[] rows =
        args.length > 3
            ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 8};
    if (steps < 1 || sequences < 1) {
      throw new IllegalArgumentException("STEPS and SEQUENCES must be at least 1");
    }
    ModelConfig config = config(shape);
    int prompt = benchPromptTokens();
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 7, manager)) {
      weights.fuseProjections();
      System.out.printf(
          "decode step, %s (%d layers, hidden %d), %d sequences of %d steps after a prompt of"
              + " %d tokens, libtorch threads %d%n",
          shape,
          config.numHiddenLayers(),
          config.hiddenSize(),
          sequences,
          steps,
          prompt,
          ai.djl.pytorch.jni.JniUtils.getNumThreads());
      for (int batch : rows) {
        Step step = measure(weights, manager, batch, prompt, steps, sequences);
        GemvProbe.Result gemv = GemvProbe.measure(config, batch, 50);
        System.out.printf(
            "rows %d: prefill %.2f ms; %.2f ms, %.2f CPU-ms per step; %d native arrays per step;"
                + " GEMVs alone at M=%d %.2f ms, %.2f CPU-ms; outside the GEMVs %.2f ms, %.2f"
                + " CPU-ms%n",
            batch,
            step.prefillMillis(),
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

  private static Path tinyBase() throws IOException {
    return TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
  }

  /** The serving benchmark's prompt in tokens: both shapes use the tiny base's tokenizer. */
  private static int benchPromptTokens() throws IOException {
    try (TextTokenizer tokenizer = TextTokenizer.load(tinyBase().resolve("tokenizer.json"))) {
      return tokenizer.encode(BenchCommand.PROMPT).length;
    }
  }

  private static ModelConfig config(String shape) throws Exception {
    ModelConfig tiny = ModelConfig.read(tinyBase().resolve("config.json"));
    return switch (shape) {
      case "tiny" -> tiny;
      case "100m" -> BenchModel.config(tiny.vocabSize());
      default -> throw new IllegalArgumentException("shape is tiny or 100m, not " + shape);
    };
  }

  /**
   * The prompt's median prefill time (all rows in one pass), one step's median wall time, mean CPU
   * time and native arrays created.
   */
  private record Step(double prefillMillis, double millis, double cpuMillis, int arrays) {}

  private static Step measure(
      LlamaWeights weights, NDManager manager, int rows, int prompt, int steps, int sequences)
      throws ReflectiveOperationException {
    LlamaModel model = new LlamaModel(weights);
    double[] millis = new double[steps * sequences];
    double[] prefillMillis = new double[sequences];
    int[] arrays = new int[1];
    long cpu = 0;
    // Sequence −1 warms libtorch's allocator and kernels up and is not counted.
    for (int sequence = -1; sequence < sequences; sequence++) {
      try (KvCache cache = new KvCache(manager, weights.config().numHiddenLayers())) {
        long[] next = new long[rows];
        int[] padding = new int[rows];
        long prefillStart = System.nanoTime();
        step(
            model,
            manager.create(new long[rows * prompt], new Shape(rows, prompt)),
            cache,
            padding,
            next,
            null);
        if (sequence >= 0) {
          prefillMillis[sequence] = (System.nanoTime() - prefillStart) / 1e6;
        }
        long cpuStart = ProcessCpu.nanos();
        for (int s = 0; s < steps; s++) {
          long start = System.nanoTime();
          step(model, manager.create(next, new Shape(rows, 1)), cache, padding, next, arrays);
          if (sequence >= 0) {
            millis[sequence * steps + s] = (System.nanoTime() - start) / 1e6;
          }
        }
        if (sequence >= 0) {
          cpu += ProcessCpu.nanos() - cpuStart;
        }
      }
    }
    Arrays.sort(millis);
    Arrays.sort(prefillMillis);
    return new Step(
        prefillMillis[sequences / 2],
        millis[millis.length / 2],
        cpu / 1e6 / millis.length,
        arrays[0]);
  }

  /**
   * One forward pass (a prefill when {@code tokenIds} has several positions) and its greedy picks
   * into {@code next}; {@code arrays[0]}, when given, gets the arrays the pass created.
   */
  private static void step(
      LlamaModel model, NDArray tokenIds, KvCache cache, int[] padding, long[] next, int[] arrays)
      throws ReflectiveOperationException {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray logits =
          tokenIds.getShape().get(1) == 1
              ? model.forward(tokenIds, cache, padding, false)
              : model.lastLogits(tokenIds, cache, padding);
      pick(logits.toFloatArray(), model.config().vocabSize(), next);
      if (arrays != null) {
        arrays[0] = scoped(scope);
      }
    }
    tokenIds.close();
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
