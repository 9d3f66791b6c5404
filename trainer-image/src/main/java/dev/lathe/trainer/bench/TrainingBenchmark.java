package dev.lathe.trainer.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.training.CausalLmTrainer;
import dev.lathe.engine.training.LearningRateSchedule;
import dev.lathe.engine.training.TrainingExample;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A benchmark, not a test: LoRA training throughput of Lathe's engine for a model configuration,
 * printed as JSON (tokens/s, step time, achieved FLOP/s) next to a DJL matmul microbenchmark on the
 * same threads. trainer-image/bench.sh runs it beside transformers + PEFT on the same configuration
 * and prints the ratio.
 *
 * <p>Usage: TrainingBenchmark NAME HIDDEN INTERMEDIATE LAYERS HEADS KV_HEADS VOCAB BATCH SEQ STEPS
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the benchmark and prints its JSON line; {@code lathe-trainer bench ARGS} comes here. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 10) {
      err.println(
          "usage: bench NAME HIDDEN INTERMEDIATE LAYERS HEADS KV_HEADS VOCAB BATCH SEQ STEPS");
      return 2;
    }
    String name = args[0];
    int hidden = Integer.parseInt(args[1]);
    int intermediate = Integer.parseInt(args[2]);
    int layers = Integer.parseInt(args[3]);
    int heads = Integer.parseInt(args[4]);
    int kvHeads = Integer.parseInt(args[5]);
    int vocab = Integer.parseInt(args[6]);
    int batch = Integer.parseInt(args[7]);
    int sequence = Integer.parseInt(args[8]);
    int steps = Integer.parseInt(args[9]);
    ModelConfig config =
        ModelConfig.llama(
            vocab, hidden, intermediate, layers, heads, kvHeads, Math.max(sequence, 256));
    LoraConfig lora =
        new LoraConfig(8, 16, 0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), name);
    Random random = new Random(1);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int[] tokens = new int[sequence];
      boolean[] targets = new boolean[sequence];
      for (int t = 0; t < sequence; t++) {
        tokens[t] = 3 + random.nextInt(vocab - 3);
        targets[t] = true;
      }
      examples.add(new TrainingExample(tokens, targets));
    }
    long parameters = LlamaWeights.parameterCount(config);
    ObjectNode figures = new ObjectMapper().createObjectNode();
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 1, manager);
        LoraAdapter adapter = LoraAdapter.initialise(lora, config, 2, manager);
        CausalLmTrainer trainer =
            CausalLmTrainer.lora(
                weights,
                adapter,
                new CausalLmTrainer.Settings(
                    new LearningRateSchedule(1e-4, 0, steps + 1, "constant"), batch, 1.0, 0, 0),
                manager)) {
      trainer.step(examples); // warm-up: allocation and kernel selection
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        trainer.step(examples);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
      double tokensPerSecond = (double) batch * sequence * steps / seconds;
      figures.put("name", name);
      figures.put(
          "implementation", "lathe (DJL " + ai.djl.engine.Engine.getInstance().getVersion() + ")");
      figures.put("parameters", parameters);
      figures.put("stepSeconds", seconds / steps);
      // CPU seconds of the whole process per step: on a shared machine, steadier than wall time.
      figures.put("cpuSecondsPerStep", cpuSeconds / steps);
      figures.put("tokensPerSecond", tokensPerSecond);
      // LoRA training: forward 2N and activation gradients 2N FLOPs per token (frozen weights get
      // no weight gradients); attention's own FLOPs are left out, as in the usual estimate.
      figures.put("achievedGflops", 4.0 * parameters * tokensPerSecond / 1e9);
      figures.put("matmulGflops", matmulGflops(manager));
    }
    out.println(figures);
    return 0;
  }

  /** GFLOP/s of a 1024×1024 float32 matmul, the machine's ceiling for this engine and threads. */
  static double matmulGflops(NDManager manager) {
    int n = 1024;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n));
      NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n));
      a.matMul(b).close();
      int repeats = 20;
      long start = System.nanoTime();
      for (int i = 0; i < repeats; i++) {
        a.matMul(b).close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return 2.0 * n * n * n * repeats / seconds / 1e9;
    }
  }
}
