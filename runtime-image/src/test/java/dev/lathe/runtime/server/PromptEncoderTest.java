package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Records what it was asked to tokenise; one token per character. */
  static final class CountingTokenizer {
    final List<Integer> lengths = new ArrayList<>();

    int[] encode(String text) {
      lengths.add(text.length());
      return text.chars().map(c -> c % 100).toArray();
    }
  }

  @Test
  void aTextLongerThanTheContextCanHoldIsRefusedWithoutBeingTokenised() {
    CountingTokenizer tokenizer = new CountingTokenizer();
    PromptEncoder encoder =
        new PromptEncoder(tokenizer::encode, 256, 512, OptionalInt.of(8), OptionalInt.of(1));
    String twoMegabytes = "lathe ".repeat(350_000);
    assertThatThrownBy(() -> encoder.encode(twoMegabytes, "prompt"))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.param()).isEqualTo("prompt");
              assertThat(e.body()).contains("context_length_exceeded", "at least 262500 tokens");
            });
    assertThat(tokenizer.lengths).isEmpty();
  }

  @Test
  void aTextThatMightFitIsTokenisedAndRefusedOnlyWhenItsTokensDoNotFit() {
    CountingTokenizer tokenizer = new CountingTokenizer();
    PromptEncoder encoder =
        new PromptEncoder(tokenizer::encode, 256, 512, OptionalInt.of(8), OptionalInt.of(1));
    // 255 × 8 characters may be as few as 255 tokens: it must be tokenised to know.
    assertThatThrownBy(() -> encoder.encode("a".repeat(255 * 8), "messages"))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.body()).contains("has 2040 tokens"));
    assertThat(tokenizer.lengths).containsExactly(2040);
    assertThat(encoder.encode("a".repeat(255), "prompt")).hasSize(255);
  }

  @Test
  void withoutABoundEveryTextIsTokenised() {
    CountingTokenizer tokenizer = new CountingTokenizer();
    PromptEncoder encoder =
        new PromptEncoder(tokenizer::encode, 256, 512, OptionalInt.empty(), OptionalInt.of(1));
    assertThatThrownBy(() -> encoder.encode("a".repeat(10_000), "prompt"))
        .isInstanceOf(ApiError.class);
    assertThat(tokenizer.lengths).containsExactly(10_000);
  }

  @Test
  void tokenIdsOutOfRangeAreRefusedNotTruncated() throws Exception {
    PromptEncoder encoder =
        new PromptEncoder(
            new CountingTokenizer()::encode, 256, 512, OptionalInt.of(8), OptionalInt.of(1));
    for (String ids : List.of("[4294967297]", "[512]", "[-1]", "[1.5]", "[\"1\"]")) {
      assertThatThrownBy(() -> encoder.tokenIds(JSON.readTree(ids), "prompt"))
          .as(ids)
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("prompt"));
    }
    assertThat(encoder.tokenIds(JSON.readTree("[0,511]"), "prompt")).containsExactly(0, 511);
  }

  @Test
  void anEmptyPromptIsTheBeginningOfSequenceToken() {
    PromptEncoder encoder =
        new PromptEncoder(
            new CountingTokenizer()::encode, 256, 512, OptionalInt.of(8), OptionalInt.of(1));
    assertThat(encoder.encode("", "prompt")).containsExactly(1);
  }
}
