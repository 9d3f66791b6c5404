package dev.lathe.runtime.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextStreamTest {

  static TextTokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer =
        TextTokenizer.load(
            TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()))
                .resolve("tokenizer.json"));
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static String stream(TextStream stream, String text) {
    StringBuilder sent = new StringBuilder();
    for (int id : tokenizer.encode(text)) {
      sent.append(stream.add(id));
      if (stream.stopped()) {
        break;
      }
    }
    return sent.append(stream.flush()).toString();
  }

  @Test
  void withoutStopStringsEverythingIsSentInOrder() {
    String text = "The book of Olga is black, and it stays in Madrid.";
    assertThat(stream(new TextStream(tokenizer, List.of()), text)).isEqualTo(text);
  }

  @Test
  void aStopStringEndsTheTextBeforeItAndNothingOfItIsSent() {
    TextStream stream = new TextStream(tokenizer, List.of(" Madrid", "zzz"));
    assertThat(stream(stream, "The book of Olga is black, and it stays in Madrid. More."))
        .isEqualTo("The book of Olga is black, and it stays in");
    assertThat(stream.stopped()).isTrue();
  }

  @Test
  void multiByteCharactersAreNeverSplitAcrossEvents() {
    TextStream stream = new TextStream(tokenizer, List.of());
    StringBuilder events = new StringBuilder();
    for (int id : tokenizer.encode("café ü")) {
      String delta = stream.add(id);
      assertThat(delta).doesNotContain("\uFFFD");
      events.append(delta);
    }
    assertThat(events.append(stream.flush()).toString()).isEqualTo("café ü");
  }
}
