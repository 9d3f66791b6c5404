package dev.lathe.engine.referee;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.generation.GreedyDecoder;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tiny base model that tests, the sandbox and the examples use (built once into
 * ~/.cache/lathe/models) is an ordinary Hugging Face model: transformers loads it and computes the
 * logits Lathe computes on real text, and it has learned its corpus: greedy decoding with the KV
 * cache answers many of the corpus's "what is A plus B?" questions correctly.
 */
class TinyBaseReferenceIT {

  private static final String[] NUMBERS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen"
  };

  private static final Path REFEREE = Path.of("referee", "run-referee.sh").toAbsolutePath();

  @Test
  void transformersReadsTheTinyBaseAsLatheDoes() throws Exception {
    Path model = TinyBaseModel.ensureDefault(System.err);
    long[] ids;
    try (TextTokenizer tokenizer = TextTokenizer.load(model.resolve("tokenizer.json"))) {
      int[] encoded = tokenizer.encode("Question: What is two plus three? Answer:");
      ids = new long[encoded.length + 1];
      ids[0] = 1;
      for (int i = 0; i < encoded.length; i++) {
        ids[i + 1] = encoded[i];
      }
    }
    ModelConfig config = ModelConfig.read(model.resolve("config.json"));
    float[] lathe;
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(model), manager)) {
      lathe =
          new LlamaModel(weights)
              .forward(manager.create(ids, new Shape(1, ids.length)), null, false)
              .toFloatArray();
    }

    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                REFEREE.toString(),
                model.toString(),
                Arrays.stream(ids)
                    .mapToObj(Long::toString)
                    .collect(Collectors.joining(",", "[", "]"))));
    Process process = new ProcessBuilder(command).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();
    JsonNode reference = new ObjectMapper().readTree(out);

    int vocab = config.vocabSize();
    float max = 0;
    int lastArgmax = 0;
    for (int t = 0; t < ids.length; t++) {
      for (int v = 0; v < vocab; v++) {
        float l = lathe[t * vocab + v];
        max =
            Math.max(max, Math.abs(l - (float) reference.path("logits").get(t).get(v).asDouble()));
        if (t == ids.length - 1 && l > lathe[t * vocab + lastArgmax]) {
          lastArgmax = v;
        }
      }
    }
    assertThat(max).as("max |Lathe - transformers| on the tiny base").isLessThan(1e-4f);
    try (TextTokenizer tokenizer = TextTokenizer.load(model.resolve("tokenizer.json"));
        NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(model), manager)) {
      int[] prompt = Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
      LlamaModel decoder = new LlamaModel(weights);
      int[] answer = GreedyDecoder.generate(decoder, prompt, 8, config.eosTokenIds());
      assertThat(answer[0]).as("greedy decoding starts with the argmax").isEqualTo(lastArgmax);
      // The corpus states every sum of two numbers below nine; the model should know many.
      int correct = 0;
      for (int a = 0; a < 9; a++) {
        for (int b = 0; b < 9; b++) {
          int[] question =
              tokenizer.encode(
                  "Question: What is " + NUMBERS[a] + " plus " + NUMBERS[b] + "? Answer:");
          int[] withBos = new int[question.length + 1];
          withBos[0] = 1;
          System.arraycopy(question, 0, withBos, 1, question.length);
          String reply =
              tokenizer.decode(GreedyDecoder.generate(decoder, withBos, 6, config.eosTokenIds()));
          String sum = NUMBERS[a + b];
          if (reply.startsWith(
              " " + Character.toUpperCase(sum.charAt(0)) + sum.substring(1) + ".")) {
            correct++;
          }
        }
      }
      System.err.printf("tiny base: %d of 81 sums answered correctly%n", correct);
      assertThat(correct).as("sums answered correctly out of 81").isGreaterThanOrEqualTo(20);
    }
  }
}
