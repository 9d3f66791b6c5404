package dev.lathe.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: serving figures for one stream and for 8 concurrent streams (tokens/s, time to
 * first token, p99 latency), measured over HTTP against the real server, next to transformers'
 * generate() on the same model when a command for it is given (runtime-image/bench.sh does); then a
 * bounded load test ({@link LoadTest}) with an overflow burst.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Serving benchmark against the real server, beside transformers generate().")
public final class BenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The prompt of every measured request (DecodeStepProbe prefills one as long). */
  static final String PROMPT = "Question: What is six plus two? Answer:";

  private static final int STREAMS = 8;

  /** The serve command's default queue, so the load test's burst overflows it as it would. */
  private static final int QUEUE = 64;

  @Option(names = "--model-dir", description = "Default: the tiny base model.")
  Path modelDir;

  @Option(
      names = "--shape",
      defaultValue = "tiny",
      description =
          "tiny (the tiny base) or 100m (the 100M configuration, random weights, the tiny"
              + " tokenizer's vocabulary); ignored with --model-dir.")
  String shape;

  @Option(
      names = "--launcher",
      defaultValue = "runtime-image/bin/lathe-runtime",
      description =
          "The runtime image's entry point, which runs the server under test as its own process"
              + " with a pod's JVM options (LATHE_RUNTIME_JAR names the jar outside the image).")
  Path launcher;

  @Option(
      names = "--server-java-options",
      defaultValue = "",
      description =
          "JVM options for the server under test, after the launcher's own, as a"
              + " ModelDeployment's JAVA_TOOL_OPTIONS would be (e.g. -XX:+UseG1GC to compare).")
  String serverJavaOptions;

  @Option(names = "--max-tokens", defaultValue = "64")
  int maxTokens;

  @Option(names = "--requests", defaultValue = "32", description = "Requests per measurement.")
  int requests;

  @Option(names = "--threads", defaultValue = "0", description = "Reported only (set by bench.sh).")
  int threads;

  @Option(
      names = "--transformers",
      description = "Command running bench_transformers.py (MODEL_DIR PROMPT_IDS ... appended).")
  String transformers;

  @Option(
      names = "--llamacpp-server",
      description =
          "llama.cpp's llama-server binary; with --llamacpp-convert and --gguf-dir, llama.cpp is"
              + " measured beside Lathe on the same weights converted to GGUF (default: not).")
  Path llamaCppServer;

  @Option(
      names = "--llamacpp-bench",
      description =
          "llama.cpp's llama-bench binary: its decode speed without a server, for the"
              + " profile line (optional).")
  Path llamaCppBench;

  @Option(
      names = "--llamacpp-convert",
      description = "Command converting the model to GGUF (MODEL_DIR OUT_FILE OUTTYPE appended).")
  String llamaCppConvert;

  @Option(names = "--gguf-dir", description = "Where the converted GGUF files are kept.")
  Path ggufDir;

  @Option(
      names = "--load-clients",
      defaultValue = "16",
      description = "Streaming clients of the load test run after the comparison (0: none).")
  int loadClients;

  @Option(
      names = "--load-burst",
      defaultValue = "200",
      description = "Requests sent at once in the load test's overflow burst.")
  int loadBurst;

  @Option(names = "--load-only", description = "Run the load test alone, without the comparison.")
  boolean loadOnly;

  /** One engine's serving figures for a number of concurrent streams. */
  record Figures(double tokensPerSecond, double ttftMsP50, double latencyMsP99, int requests) {

    static Figures of(JsonNode json) {
      return new Figures(
          json.path("tokensPerSecond").asDouble(),
          json.path("ttftMsP50").asDouble(),
          json.path("latencyMsP99").asDouble(),
          json.path("requests").asInt());
    }
  }

  /** One engine beside Lathe: 1 and 8 streams and its resident memory after them (-1: unknown). */
  record Side(Figures one, Figures eight, long rssKb) {}

  @Override
  public Integer call() throws Exception {
    Path tiny = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    Path dir =
        switch (modelDir != null ? "dir" : shape) {
          case "dir" -> modelDir;
          case "tiny" -> tiny;
          case "100m" -> BenchModel.ensure(tiny.resolveSibling("bench-100m-random"), tiny);
          default -> throw new IllegalArgumentException("--shape is tiny or 100m, not " + shape);
        };
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    int[] promptIds;
    try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
      promptIds = tokenizer.encode(PROMPT);
    }
    try (ServeProcess server =
        ServeProcess.start(launcher, dir, "bench", STREAMS, QUEUE, serverJavaOptions())) {
      System.out.printf(
          "server under test: %s serve, its own process on loopback, loaded in %.1f s%n",
          launcher, server.startSeconds());
      if (loadOnly) {
        loadTest(server);
        printServer(server, config, promptIds.length);
        return 0;
      }
      StreamingProbe probe = new StreamingProbe(server.baseUrl(), "bench", PROMPT, maxTokens);
      measure(probe, 1, 4);
      measure(probe, STREAMS, STREAMS);
      Figures one = measure(probe, 1, requests);
      Figures eight = measure(probe, STREAMS, Math.max(requests, STREAMS));
      ResidentMemory afterRuns = server.memory();
      Side lathe = new Side(one, eight, afterRuns.rssKb());
      Optional<Side> reference =
          transformers == null ? Optional.empty() : Optional.of(runTransformers(dir, promptIds));
      Optional<LlamaCppBaseline> llamaCpp = llamaCpp();
      Optional<Side> llamaF32 = Optional.empty();
      if (llamaCpp.isPresent()) {
        llamaF32 =
            Optional.of(llamaCpp.get().serve(dir, "f32", PROMPT, promptIds, STREAMS, requests));
      }
      print(dir, promptIds.length, lathe, reference, llamaF32);
      printMemory(afterRuns, config, promptIds.length);
      printRoofline(config, one);
      if (llamaCpp.isPresent()) {
        printQuantized(llamaCpp.get(), dir, promptIds, lathe);
        printProfile(config, one, llamaF32.get(), llamaCpp.get().decodeWithoutServer(dir));
      }
      if (loadClients > 0) {
        System.out.println();
        loadTest(server);
        printServer(server, config, promptIds.length);
      }
    }
    return 0;
  }

  /** The server's libtorch threads, as bench.sh gives this JVM's, and the options asked for. */
  private String serverJavaOptions() {
    return ((threads > 0 ? "-Dai.djl.pytorch.num_threads=" + threads : "")
            + " "
            + serverJavaOptions)
        .strip();
  }

  private void loadTest(ServeProcess server) throws Exception {
    System.out.println("load test against " + server.baseUrl());
    new LoadTest(server.baseUrl(), "bench", () -> server.memory().rssKb())
        .run(
            new LoadTest.Plan(
                Math.max(1, loadClients), 4, maxTokens, loadBurst, Duration.ofMinutes(3)));
  }

  private Optional<LlamaCppBaseline> llamaCpp() {
    if (llamaCppServer == null) {
      return Optional.empty();
    }
    if (llamaCppConvert == null || ggufDir == null) {
      throw new IllegalArgumentException(
          "--llamacpp-server needs --llamacpp-convert and --gguf-dir");
    }
    return Optional.of(
        new LlamaCppBaseline(
            new LlamaCppBaseline.Setup(
                llamaCppServer, Optional.ofNullable(llamaCppBench), llamaCppConvert, ggufDir),
            threadCount(),
            maxTokens));
  }

  private int threadCount() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** {@code total} streaming requests over {@code streams} concurrent clients. */
  static Figures measure(StreamingProbe probe, int streams, int total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      int each = Math.max(1, total / streams);
      List<Future<List<StreamingProbe.Timing>>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (int s = 0; s < streams; s++) {
        futures.add(
            pool.submit(
                () -> {
                  List<StreamingProbe.Timing> timings = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    timings.add(probe.run());
                  }
                  return timings;
                }));
      }
      List<StreamingProbe.Timing> all = new ArrayList<>();
      for (Future<List<StreamingProbe.Timing>> future : futures) {
        all.addAll(future.get());
      }
      double wall = (System.nanoTime() - start) / 1e9;
      int tokens = all.stream().mapToInt(StreamingProbe.Timing::tokens).sum();
      return new Figures(
          tokens / wall,
          percentile(all.stream().mapToDouble(StreamingProbe.Timing::ttftMillis).toArray(), 0.5),
          percentile(
              all.stream().mapToDouble(StreamingProbe.Timing::latencyMillis).toArray(), 0.99),
          all.size());
    } finally {
      pool.shutdownNow();
    }
  }

  private Side runTransformers(Path dir, int[] promptIds) throws Exception {
    String ids =
        Arrays.stream(promptIds).mapToObj(Integer::toString).collect(Collectors.joining(","));
    String command =
        transformers
            + " "
            + dir
            + " "
            + ids
            + " "
            + maxTokens
            + " "
            + Math.max(requests, STREAMS)
            + " "
            + threadCount();
    Process process =
        new ProcessBuilder("bash", "-c", command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("transformers benchmark failed: " + out);
    }
    String[] lines = out.split("\n");
    JsonNode json = JSON.readTree(lines[lines.length - 1]);
    return new Side(
        Figures.of(json.path("1")), Figures.of(json.path("8")), json.path("rssKb").asLong(-1));
  }

  private void print(
      Path dir, int promptTokens, Side lathe, Optional<Side> transformers, Optional<Side> llama) {
    System.out.printf(
        "model %s, prompt %d tokens, %d generated tokens per request, threads %s%n",
        dir.getFileName(), promptTokens, maxTokens, threads > 0 ? threads : "default");
    System.out.printf(
        "%-28s %10s %13s %7s %10s %7s%n",
        "", "lathe", "transformers", "ratio", "llama.cpp", "ratio");
    row("tokens/s, 1 stream", lathe, transformers, llama, s -> s.one().tokensPerSecond(), true);
    row("tokens/s, 8 streams", lathe, transformers, llama, s -> s.eight().tokensPerSecond(), true);
    row("TTFT p50 ms, 1 stream", lathe, transformers, llama, s -> s.one().ttftMsP50(), false);
    row("TTFT p50 ms, 8 streams", lathe, transformers, llama, s -> s.eight().ttftMsP50(), false);
    row("p99 latency ms, 1 stream", lathe, transformers, llama, s -> s.one().latencyMsP99(), false);
    row(
        "p99 latency ms, 8 streams",
        lathe,
        transformers,
        llama,
        s -> s.eight().latencyMsP99(),
        false);
    row("RSS MiB after the runs", lathe, transformers, llama, s -> s.rssKb() / 1024.0, false);
    System.out.println(
        "ratio: tokens/s lathe / other (above 1: Lathe faster); times and memory other / lathe"
            + " (above 1: Lathe faster or smaller). Lathe and llama.cpp (its native llama-server,"
            + " continuous batching over 8 slots, F32 GGUF of the same weights, no prompt cache)"
            + " are measured over HTTP with SSE by the same client; transformers in-process, its 8"
            + " streams one batch of 8.");
  }

  private void printServer(ServeProcess server, ModelConfig config, int promptTokens) {
    printMemory(server.memory(), config, promptTokens);
    System.out.printf("server process CPU time since it started: %.1f s%n", server.cpuSeconds());
  }

  /**
   * The server process's memory beside what it legitimately holds: the weights (float32, once, in
   * libtorch) and the KV cache of a full batch, whose positions grow by doubling from 64 as
   * KvCache's do, for the prompt and every generated token.
   */
  private void printMemory(ResidentMemory memory, ModelConfig config, int promptTokens) {
    double weights = 4.0 * LlamaWeights.parameterCount(config) / (1 << 20);
    int positions = 64;
    while (positions < promptTokens + maxTokens) {
      positions *= 2;
    }
    double kvCache =
        4.0
            * config.numHiddenLayers()
            * 2
            * STREAMS
            * config.numKeyValueHeads()
            * positions
            * config.headDim()
            / (1 << 20);
    System.out.printf(
        "server process memory: RSS %.1f MiB (anonymous %.1f, file-backed %.1f), peak %.1f MiB;"
            + " of it weights %.1f MiB (float32 in libtorch) and the KV cache of %d streams x %d"
            + " positions %.1f MiB (needed while a full batch runs); 2 x weights = %.1f MiB%n",
        ResidentMemory.mebibytes(memory.rssKb()),
        ResidentMemory.mebibytes(memory.anonKb()),
        ResidentMemory.mebibytes(memory.fileKb()),
        ResidentMemory.mebibytes(memory.peakKb()),
        weights,
        STREAMS,
        positions,
        kvCache,
        2 * weights);
  }

  /**
   * A quantized GGUF: cheaper to read per token, so not like-for-like with F32 Lathe. An extra
   * line: when llama.cpp fails on it (its Q8_0 server crashed on the tiny shape on one CPU with
   * AMX), the line says so and the benchmark goes on to the figures that are like-for-like.
   */
  private void printQuantized(LlamaCppBaseline llamaCpp, Path dir, int[] promptIds, Side lathe)
      throws Exception {
    Side q8;
    try {
      q8 = llamaCpp.serve(dir, "q8_0", PROMPT, promptIds, STREAMS, STREAMS);
    } catch (IllegalStateException | IOException e) {
      System.out.println("llama.cpp Q8_0 (not like-for-like): not measured: " + e.getMessage());
      return;
    }
    System.out.printf(
        "llama.cpp Q8_0 (not like-for-like: 1 byte a weight against Lathe's 4): %.1f tokens/s 1"
            + " stream, %.1f at 8 streams, RSS %d MB; Lathe F32 / llama.cpp Q8_0: %.2f and %.2f%n",
        q8.one().tokensPerSecond(),
        q8.eight().tokensPerSecond(),
        q8.rssKb() / 1024,
        lathe.one().tokensPerSecond() / q8.one().tokensPerSecond(),
        lathe.eight().tokensPerSecond() / q8.eight().tokensPerSecond());
  }

  /**
   * Where one stream's time per token goes: the GEMV products alone in libtorch against Lathe's
   * whole step and llama.cpp's, with and without its server.
   */
  private static void printProfile(
      ModelConfig config, Figures lathe, Side llamaCpp, Optional<Double> bare) {
    GemvProbe.Result gemv = GemvProbe.measure(config, 50);
    double latheMs = 1000 / lathe.tokensPerSecond();
    double llamaMs = 1000 / llamaCpp.one().tokensPerSecond();
    System.out.printf(
        "1 stream, ms per token: Lathe %.2f over HTTP, of which libtorch's GEMVs at M=1 alone take"
            + " %.2f (%.1f GB/s of %d MB of matrices) and the rest of the step %.2f; llama.cpp"
            + " %.2f over HTTP%s%n",
        latheMs,
        gemv.millisPerToken(),
        gemv.gigabytesPerSecond(),
        gemv.weightBytes() / 1_000_000,
        latheMs - gemv.millisPerToken(),
        llamaMs,
        bare.map(
                tokensPerSecond ->
                    String.format(
                        ", %.2f in llama-bench without a server (%.1f GB/s of the same matrices)",
                        1000 / tokensPerSecond, gemv.weightBytes() * tokensPerSecond / 1e9))
            .orElse(""));
  }

  /** How close one stream comes to the memory-bandwidth limit of reading every weight per token. */
  private static void printRoofline(ModelConfig config, Figures one) {
    long weightBytes = 4 * LlamaWeights.parameterCount(config);
    double bandwidth = ReadBandwidth.measure(1L << 30);
    double limit = bandwidth / weightBytes;
    System.out.printf(
        "batch-1 roofline: %.0f MB of float32 weights per token, read bandwidth %.1f GB/s (libtorch"
            + " summing 1 GiB on the same threads) -> at most %.0f tokens/s; Lathe 1 stream %.1f tokens/s = %.0f%% of it%n",
        weightBytes / 1e6,
        bandwidth / 1e9,
        limit,
        one.tokensPerSecond(),
        100 * one.tokensPerSecond() / limit);
  }

  private static void row(
      String name,
      Side lathe,
      Optional<Side> transformers,
      Optional<Side> llamaCpp,
      ToDoubleFunction<Side> figure,
      boolean higherIsBetter) {
    double ours = figure.applyAsDouble(lathe);
    System.out.printf(
        "%-28s %10.1f %s %s%n",
        name,
        ours,
        beside(ours, transformers, figure, higherIsBetter, 13),
        beside(ours, llamaCpp, figure, higherIsBetter, 10));
  }

  private static String beside(
      double ours,
      Optional<Side> other,
      ToDoubleFunction<Side> figure,
      boolean higherIsBetter,
      int width) {
    if (other.isEmpty() || figure.applyAsDouble(other.get()) < 0) {
      return String.format("%" + width + "s %7s", "-", "-");
    }
    double theirs = figure.applyAsDouble(other.get());
    double ratio = higherIsBetter ? ours / theirs : theirs / ours;
    return String.format("%" + width + ".1f %7.2f", theirs, ratio);
  }

  static double percentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
