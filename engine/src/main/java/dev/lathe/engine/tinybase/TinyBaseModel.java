package dev.lathe.engine.tinybase;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import dev.lathe.engine.tokenizer.ByteLevelBpeTrainer;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.CausalLmTrainer;
import dev.lathe.engine.training.LearningRateSchedule;
import dev.lathe.engine.training.TrainingExample;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Lathe's own base model for tests, the sandbox and the examples: no registry ships LLM weights, so
 * a small Llama-architecture model is pretrained here from a committed corpus, with a byte-level
 * BPE vocabulary, from a fixed seed, and saved in Hugging Face layout. Builds are cached by a
 * digest of the corpus and the recipe. Small recipes rebuild bit for bit; larger ones on several
 * threads can differ in the last digits (libtorch's parallel sums), so tests rely on the cached
 * build.
 */
public final class TinyBaseModel {

  public static final String PAD = "<|pad|>";
  public static final String BOS = "<|bos|>";
  public static final String EOS = "<|eos|>";
  static final String CORPUS = "/dev/lathe/engine/tinybase/corpus.txt";

  /** Bump when the build changes in a way the recipe does not show. */
  static final int BUILD_FORMAT = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Everything that determines the model. */
  public record Recipe(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int layers,
      int heads,
      int kvHeads,
      int sequenceLength,
      int batchSize,
      int steps,
      double learningRate,
      long seed) {

    /** About 1.8M parameters; 2.5 to 4 minutes on 2 cores (154 s and 225 s measured). */
    public static final Recipe DEFAULT = new Recipe(512, 192, 512, 4, 4, 2, 128, 16, 600, 3e-3, 42);

    ModelConfig config() {
      return ModelConfig.llama(
          vocabSize,
          hiddenSize,
          intermediateSize,
          layers,
          heads,
          kvHeads,
          Math.max(256, sequenceLength));
    }
  }

  /** Figures of a build, written beside the model as lathe-base.json. */
  public record BuildReport(
      long parameters, double initialLoss, double finalLoss, int steps, double seconds) {}

  private TinyBaseModel() {}

  /** The model built from {@code recipe} under {@code cacheRoot}, building it when missing. */
  public static Path ensureBuilt(Path cacheRoot, Recipe recipe, PrintStream log) {
    Path target = cacheRoot.resolve(cacheKey(recipe));
    if (Files.isRegularFile(target.resolve("lathe-base.json"))) {
      return target;
    }
    try {
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, ".build-");
      build(staging, recipe, log);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // Another build finished first; its result is the same model.
        deleteRecursively(staging);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Trains the tokenizer and the model and writes a Hugging Face model directory. */
  public static BuildReport build(Path dir, Recipe recipe, PrintStream log) throws IOException {
    long started = System.nanoTime();
    String corpus = corpus();
    Files.createDirectories(dir);
    new ByteLevelBpeTrainer(recipe.vocabSize(), List.of(PAD, BOS, EOS))
        .train(corpus, dir.resolve("tokenizer.json"));
    List<TrainingExample> sequences =
        sequences(corpus, dir.resolve("tokenizer.json"), recipe.sequenceLength());
    log.printf(
        "tiny base: %d training sequences of %d tokens%n",
        sequences.size(), recipe.sequenceLength());

    ModelConfig config = recipe.config();
    Random order = new Random(recipe.seed());
    BuildReport report;
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, recipe.seed(), manager)) {
      long parameters = LlamaWeights.parameterCount(config);
      CausalLmTrainer.Settings settings =
          new CausalLmTrainer.Settings(
              new LearningRateSchedule(
                  recipe.learningRate(), recipe.steps() / 20, recipe.steps(), "cosine"),
              recipe.batchSize(),
              1.0,
              0.01,
              0);
      List<TrainingExample> held = sequences.subList(0, Math.min(32, sequences.size() / 10));
      List<TrainingExample> train =
          new ArrayList<>(sequences.subList(held.size(), sequences.size()));
      double initial;
      double last;
      try (CausalLmTrainer trainer = CausalLmTrainer.full(weights, settings, manager)) {
        initial = trainer.evaluate(held);
        int cursor = train.size();
        for (int step = 1; step <= recipe.steps(); step++) {
          if (cursor + recipe.batchSize() > train.size()) {
            Collections.shuffle(train, order);
            cursor = 0;
          }
          CausalLmTrainer.StepResult result =
              trainer.step(train.subList(cursor, cursor + recipe.batchSize()));
          cursor += recipe.batchSize();
          if (step % 50 == 0 || step == recipe.steps()) {
            log.printf(
                "tiny base: step %d/%d loss %.3f lr %.2e%n",
                step, recipe.steps(), result.loss(), result.learningRate());
          }
        }
        last = trainer.evaluate(held);
      }
      Checkpoint.write(dir, weights.toTensors(DType.F32), Long.MAX_VALUE);
      report =
          new BuildReport(
              parameters, initial, last, recipe.steps(), (System.nanoTime() - started) / 1e9);
    }
    writeMetadata(dir, config, recipe, report);
    log.printf(
        "tiny base: %d parameters, held-out loss %.3f -> %.3f, %.0f s%n",
        report.parameters(), report.initialLoss(), report.finalLoss(), report.seconds());
    return report;
  }

  /** Lines wrapped in BOS/EOS, concatenated, cut into equal sequences; every token a target. */
  static List<TrainingExample> sequences(String corpus, Path tokenizerJson, int length) {
    List<Integer> stream = new ArrayList<>();
    try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson)) {
      for (String line : corpus.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        stream.add(1);
        for (int id : tokenizer.encode(line)) {
          stream.add(id);
        }
        stream.add(2);
      }
    }
    List<TrainingExample> sequences = new ArrayList<>();
    for (int start = 0; start + length <= stream.size(); start += length) {
      int[] tokens = new int[length];
      boolean[] targets = new boolean[length];
      for (int i = 0; i < length; i++) {
        tokens[i] = stream.get(start + i);
        targets[i] = true;
      }
      sequences.add(new TrainingExample(tokens, targets));
    }
    return sequences;
  }

  private static void writeMetadata(Path dir, ModelConfig config, Recipe recipe, BuildReport report)
      throws IOException {
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("config.json").toFile(), config.toJson());
    ObjectNode tokenizerConfig = JSON.createObjectNode();
    tokenizerConfig.put("tokenizer_class", "PreTrainedTokenizerFast");
    tokenizerConfig.put("bos_token", BOS);
    tokenizerConfig.put("eos_token", EOS);
    tokenizerConfig.put("pad_token", PAD);
    tokenizerConfig.put("model_max_length", config.maxPositionEmbeddings());
    tokenizerConfig.put("add_bos_token", false);
    tokenizerConfig.put(
        "chat_template",
        "{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] }}\n{% endfor %}"
            + "{% if add_generation_prompt %}Assistant:{% endif %}");
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfig);
    ObjectNode generation = JSON.createObjectNode();
    generation.put("bos_token_id", 1);
    generation.put("eos_token_id", 2);
    generation.put("pad_token_id", 0);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("generation_config.json").toFile(), generation);
    ObjectNode base = JSON.valueToTree(report);
    base.set("recipe", JSON.valueToTree(recipe));
    base.put("cacheKey", cacheKey(recipe));
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("lathe-base.json").toFile(), base);
  }

  static String cacheKey(Recipe recipe) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(corpus().getBytes(StandardCharsets.UTF_8));
      sha.update((recipe + "/" + BUILD_FORMAT).getBytes(StandardCharsets.UTF_8));
      return "tiny-llama-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String corpus() {
    try (InputStream in = TinyBaseModel.class.getResourceAsStream(CORPUS)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * The default tiny base, from ${LATHE_CACHE:-~/.cache/lathe}/models, built there first when
   * missing.
   */
  public static Path ensureDefault(PrintStream log) {
    String cache =
        System.getenv()
            .getOrDefault("LATHE_CACHE", System.getProperty("user.home") + "/.cache/lathe");
    return ensureBuilt(Path.of(cache, "models"), Recipe.DEFAULT, log);
  }

  /** Builds (or finds) the default tiny base and prints its path. */
  public static void main(String[] args) {
    System.out.println(ensureDefault(System.err));
  }
}
