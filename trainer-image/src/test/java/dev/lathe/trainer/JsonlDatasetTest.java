package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlDatasetTest {

  @TempDir Path dir;

  private static String decode(TextTokenizer tokenizer, TrainingExample example, boolean targets) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < example.tokens().length; i++) {
      if (example.targets()[i] == targets && example.tokens()[i] > 2) {
        ids.add(example.tokens()[i]);
      }
    }
    return tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void chatLinesGoThroughTheModelsTemplateWithLossOnTheAssistantTurnOnly() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data =
        Files.writeString(
            dir.resolve("chat.jsonl"),
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"},"
                + " {\"role\": \"assistant\", \"content\": \"It is sunny.\"}]}\n");
    try (TextTokenizer tokenizer = TextTokenizer.load(base.resolve("tokenizer.json"))) {
      TrainingExample example =
          new JsonlDataset(tokenizer, ChatTemplate.load(base), 1, 2, 512)
              .read(data, "chat-jsonl")
              .get(0);

      assertThat(example.tokens()[0]).as("starts with BOS").isEqualTo(1);
      assertThat(example.tokens()[example.tokens().length - 1]).as("ends with EOS").isEqualTo(2);
      assertThat(example.targets()[example.targets().length - 1]).as("EOS is learned").isTrue();
      assertThat(decode(tokenizer, example, false)).isEqualTo("User: Weather in Oslo?\nAssistant:");
      assertThat(decode(tokenizer, example, true)).isEqualTo(" It is sunny.\n");
    }
  }

  @Test
  void badLinesAreReportedWithTheirNumbers() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data =
        Files.writeString(
            dir.resolve("chat.jsonl"),
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n"
                + "\n"
                + "{\"messages\": [{\"role\": \"robot\", \"content\": \"beep\"}]}\n");
    try (TextTokenizer tokenizer = TextTokenizer.load(base.resolve("tokenizer.json"))) {
      JsonlDataset dataset = new JsonlDataset(tokenizer, ChatTemplate.load(base), 1, 2, 512);

      assertThatThrownBy(() -> dataset.read(data, "chat-jsonl"))
          .hasMessage(
              "chat.jsonl line 3: message role must be system, user or assistant, was 'robot'");
    }
  }
}
