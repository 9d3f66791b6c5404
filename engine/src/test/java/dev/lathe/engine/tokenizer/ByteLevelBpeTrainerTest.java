package dev.lathe.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTrainerTest {

  private static final String CORPUS =
      "The model learns the task. The task is to answer questions about the weather. "
          + "Questions about the weather are answered with the weather report. "
          + "It is sunny today; tomorrow it rains. Ça va? Naïve café, 温度 42°C!\n".repeat(20);

  @Test
  void trainedVocabularyLoadsInHuggingFaceTokenizersAndRoundTripsAnyText(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("tokenizer.json");
    new ByteLevelBpeTrainer(400, List.of("<|pad|>", "<|bos|>", "<|eos|>")).train(CORPUS, json);

    try (TextTokenizer tokenizer = TextTokenizer.load(json)) {
      String text = "The weather today: sunny, 42°C. Unseen words → zebra ✓";
      int[] ids = tokenizer.encode(text);

      assertThat(tokenizer.decode(ids)).isEqualTo(text);
      assertThat(java.util.Arrays.stream(ids).boxed().toList()).allMatch(id -> id >= 3 && id < 400);
      assertThat(tokenizer.encode(" the weather"))
          .as("frequent words become single tokens")
          .hasSizeLessThan(4);
      assertThat(tokenizer.encode("<|eos|>")).containsExactly(2);
    }
  }

  @Test
  void trainingIsDeterministic(@TempDir Path dir) throws Exception {
    new ByteLevelBpeTrainer(350, List.of("<|pad|>")).train(CORPUS, dir.resolve("a.json"));
    new ByteLevelBpeTrainer(350, List.of("<|pad|>")).train(CORPUS, dir.resolve("b.json"));

    assertThat(Files.readString(dir.resolve("a.json")))
        .isEqualTo(Files.readString(dir.resolve("b.json")));
  }
}
