package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class TokenLengthBoundTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String bpe(String normalizer, String preTokenizer, boolean fuseUnk) {
    return "{\"normalizer\":"
        + normalizer
        + ",\"pre_tokenizer\":"
        + preTokenizer
        + ",\"added_tokens\":[{\"content\":\"<|end_of_text|>\"}],"
        + "\"model\":{\"type\":\"BPE\",\"fuse_unk\":"
        + fuseUnk
        + ",\"vocab\":{\"a\":0,\"Ġlathe\":1,\"ĠQuestion\":2}}}";
  }

  @Test
  void theLongestTokenOfAByteLevelVocabularyBoundsTheCharactersPerToken() throws Exception {
    String tokenizer = bpe("null", "{\"type\":\"ByteLevel\"}", false);
    // "<|end_of_text|>" (15) is longer than any vocabulary entry ("ĠQuestion", 9).
    assertThat(TokenLengthBound.of(JSON.readTree(tokenizer))).hasValue(15);
  }

  @Test
  void aSentencePieceStyleNormalizerThatOnlyReplacesSpacesKeepsTheBound() throws Exception {
    String tokenizer =
        bpe(
            "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"▁\"},"
                + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]}",
            "null",
            false);
    assertThat(TokenLengthBound.of(JSON.readTree(tokenizer))).hasValue(15);
  }

  @Test
  void theTinyBaseModelsByteLevelTokenizerHasABoundSoLongPromptsAreNeverTokenised() {
    var dir = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    var bound = TokenLengthBound.of(dir.resolve("tokenizer.json"));
    assertThat(bound).isPresent();
    assertThat(bound.getAsInt()).isBetween(2, 64);
  }

  @Test
  void aTokenizerThatCanDropTextHasNoBound() throws Exception {
    for (String tokenizer :
        new String[] {
          bpe("{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true}", "null", false),
          bpe("{\"type\":\"NFKC\"}", "null", false),
          bpe("null", "{\"type\":\"Whitespace\"}", false),
          bpe("null", "{\"type\":\"Split\",\"behavior\":\"Removed\"}", false),
          bpe("null", "null", true),
          "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}}"
        }) {
      assertThat(TokenLengthBound.of(JSON.readTree(tokenizer))).as(tokenizer).isEmpty();
    }
  }
}
