package dev.lathe.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.server.InferenceServer;
import dev.lathe.runtime.server.ServerSettings;
import dev.lathe.runtime.verify.VerifiedModel;
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
  private static final String PROMPT = "Question: What is six plus two? Answer:";
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

  record Figures(double tokensPerSecond, double ttftMsP50, double latencyMsP99, int requests) {}

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
    InferenceServer server =
        new InferenceServer(
            new ServerSettings(
                "127.0.0.1", 0, STREAMS, QUEUE, Duration.ofSeconds(5), null, Duration.ofMinutes(1)),
            null,
            new PrintStream(PrintStream.nullOutputStream()));
    int port = server.listen();
    int[] promptIds;
    try {
      // A benchmark of local files the caller chose: no signature to check here.
      ServedBase[] loaded = new ServedBase[1];
      server.load(
          () ->
              loaded[0] =
                  ServedBase.load(
                      "bench",
                      new VerifiedModel(
                          dir, "sha256:unverified", "none", "bench", Optional.empty())));
      promptIds = loaded[0].tokenizer().encode(PROMPT);
      if (loadOnly) {
        loadTest(port);
        return 0;
      }
      StreamingProbe probe =
          new StreamingProbe("http://127.0.0.1:" + port, "bench", PROMPT, maxTokens);
      measure(probe, 1, 4);
      measure(probe, STREAMS, STREAMS);
      Figures one = measure(probe, 1, requests);
      Figures eight = measure(probe, STREAMS, Math.max(requests, STREAMS));
      Optional<JsonNode> reference =
          transformers == null ? Optional.empty() : Optional.of(runTransformers(dir, promptIds));
      print(dir, promptIds.length, one, eight, reference);
      printRoofline(loaded[0], one);
      if (loadClients > 0) {
        System.out.println();
        loadTest(port);
      }
    } finally {
      server.close();
    }
    return 0;
  }

  private void loadTest(int port) throws Exception {
    System.out.println("load test against http://127.0.0.1:" + port);
    new LoadTest("http://127.0.0.1:" + port, "bench")
        .run(
            new LoadTest.Plan(
                Math.max(1, loadClients), 4, maxTokens, loadBurst, Duration.ofMinutes(3)));
  }

  private Figures measure(StreamingProbe probe, int streams, int total) throws Exception {
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

  private JsonNode runTransformers(Path dir, int[] promptIds) throws Exception {
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
            + (threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    Process process =
        new ProcessBuilder("bash", "-c", command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("transformers benchmark failed: " + out);
    }
    String[] lines = out.split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  private void print(
      Path dir, int promptTokens, Figures one, Figures eight, Optional<JsonNode> reference) {
    System.out.printf(
        "model %s, prompt %d tokens, %d generated tokens per request, threads %s%n",
        dir.getFileName(), promptTokens, maxTokens, threads > 0 ? threads : "default");
    System.out.printf("%-28s %12s %14s %8s%n", "", "lathe", "transformers", "ratio");
    row("tokens/s, 1 stream", one.tokensPerSecond(), reference, "/1/tokensPerSecond", true);
    row("tokens/s, 8 streams", eight.tokensPerSecond(), reference, "/8/tokensPerSecond", true);
    row("TTFT p50 ms, 1 stream", one.ttftMsP50(), reference, "/1/ttftMsP50", false);
    row("TTFT p50 ms, 8 streams", eight.ttftMsP50(), reference, "/8/ttftMsP50", false);
    row("p99 latency ms, 1 stream", one.latencyMsP99(), reference, "/1/latencyMsP99", false);
    row("p99 latency ms, 8 streams", eight.latencyMsP99(), reference, "/8/latencyMsP99", false);
    System.out.println(
        "ratio: tokens/s lathe / transformers (above 1: Lathe faster); times transformers /"
            + " lathe (above 1: Lathe faster). Lathe is measured over HTTP with SSE, transformers"
            + " in-process; 8 transformers streams are one batch of 8.");
  }

  /** How close one stream comes to the memory-bandwidth limit of reading every weight per token. */
  private static void printRoofline(ServedBase base, Figures one) {
    long weightBytes = 4 * dev.lathe.engine.model.LlamaWeights.parameterCount(base.config());
    double bandwidth = CopyBandwidth.measure(1 << 28);
    double limit = bandwidth / weightBytes;
    System.out.printf(
        "batch-1 roofline: %.0f MB of float32 weights per token, copy bandwidth %.1f GB/s (read +"
            + " written) -> at most %.0f tokens/s; Lathe 1 stream %.1f tokens/s = %.0f%% of it%n",
        weightBytes / 1e6,
        bandwidth / 1e9,
        limit,
        one.tokensPerSecond(),
        100 * one.tokensPerSecond() / limit);
  }

  private static void row(
      String name, double lathe, Optional<JsonNode> reference, String pointer, boolean higher) {
    if (reference.isEmpty()) {
      System.out.printf("%-28s %12.1f %14s %8s%n", name, lathe, "-", "-");
      return;
    }
    double other = reference.get().at(pointer).asDouble();
    double ratio = higher ? lathe / other : other / lathe;
    System.out.printf("%-28s %12.1f %14.1f %8.2f%n", name, lathe, other, ratio);
  }

  static double percentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
