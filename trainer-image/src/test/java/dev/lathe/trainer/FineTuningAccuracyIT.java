package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.generation.GreedyDecoder;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning works for real: LoRA on the tiny base teaches it a task it cannot do — answering
 * "Repeat: A B ->" with "A B" — and exact-match accuracy on word pairs never seen in training rises
 * well above the base model's. Measured: 0.00 → 0.45–0.48 held out (0.58 on training pairs): the
 * 1.8M parameter base copies imperfectly (it swaps in frequent words, drops a word's last piece),
 * so the bar is set at 0.35, far above the base and below what is reached.
 */
class FineTuningAccuracyIT {

  private static final List<String> WORDS =
      List.of(
          "Paris", "Lyon", "Berlin", "Madrid", "Lisbon", "Oslo", "Rome", "Vienna", "Dublin",
          "Prague", "Anna", "Ben", "Clara", "David", "Emma", "Felix", "red", "blue", "green",
          "yellow");

  @TempDir Path dir;

  private record Pair(String a, String b) {
    String prompt() {
      return "Repeat: " + a + " " + b + " ->";
    }

    String answer() {
      return " " + a + " " + b;
    }
  }

  @Test
  void loraFineTuningRaisesHeldOutExactMatchWellAboveTheBase() throws Exception {
    Path base = TinyBaseModel.ensureDefault(System.err);
    List<Pair> pairs = new ArrayList<>();
    for (String a : WORDS) {
      for (String b : WORDS) {
        if (!a.equals(b)) {
          pairs.add(new Pair(a, b));
        }
      }
    }
    Collections.shuffle(pairs, new Random(11));
    List<Pair> heldOut = pairs.subList(0, 40);
    List<Pair> train = pairs.subList(40, pairs.size());
    StringBuilder jsonl = new StringBuilder();
    for (Pair p : train) {
      jsonl
          .append("{\"prompt\": \"")
          .append(p.prompt())
          .append("\", \"completion\": \"")
          .append(p.answer())
          .append("\"}\n");
    }
    Path data = Files.writeString(dir.resolve("repeat.jsonl"), jsonl.toString());
    Path output = dir.resolve("adapter");
    Map<String, String> env =
        TrainerFixtures.environment(
            base,
            data,
            output,
            "{\"method\": {\"type\": \"lora\", \"rank\": 16, \"dropout\": 0.0,"
                + " \"targetModules\": [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\"]},"
                + " \"hyperparameters\": {\"epochs\": 25, \"batchSize\": 16, \"learningRate\": 0.005, \"warmupSteps\": 10, \"seed\": 3}}");
    new Trainer(
            TrainerContract.fromEnvironment(env),
            new PrintStream(PrintStream.nullOutputStream()),
            Clock.systemUTC())
        .run();

    ModelConfig config = ModelConfig.read(base.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(base), manager);
        LoraAdapter adapter = LoraAdapter.load(output, config, manager);
        TextTokenizer tokenizer = TextTokenizer.load(base.resolve("tokenizer.json"))) {
      double before = exactMatch(new LlamaModel(weights), tokenizer, heldOut);
      double after = exactMatch(new LlamaModel(weights, adapter.on(weights)), tokenizer, heldOut);
      double seen =
          exactMatch(new LlamaModel(weights, adapter.on(weights)), tokenizer, train.subList(0, 40));
      System.err.printf(
          "repeat task, exact match: base %.2f on held-out pairs; fine-tuned %.2f on held-out and"
              + " %.2f on training pairs; result %s%n",
          before,
          after,
          seen,
          Files.readString(output.resolve("lathe/result.json")).replaceAll("\\s+", " "));

      assertThat(before).isLessThan(0.05);
      assertThat(after)
          .as("held-out exact match after fine-tuning (base %.2f)", before)
          .isGreaterThanOrEqualTo(0.35);
    }
  }

  private static double exactMatch(LlamaModel model, TextTokenizer tokenizer, List<Pair> pairs) {
    int correct = 0;
    for (Pair pair : pairs) {
      int[] encoded = tokenizer.encode(pair.prompt());
      int[] prompt = new int[encoded.length + 1];
      prompt[0] = 1;
      System.arraycopy(encoded, 0, prompt, 1, encoded.length);
      String answer = tokenizer.decode(GreedyDecoder.generate(model, prompt, 8, List.of(2)));
      if (answer.equals(pair.answer())) {
        correct++;
      }
    }
    return (double) correct / pairs.size();
  }
}
