package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The most characters (code points) one token of a tokenizer.json can stand for, so that a prompt
 * too long for the context is refused from its length alone, before tokenising megabytes of it. The
 * bound holds only when nothing in the tokenizer removes text: no normalizer that shrinks it (NFC,
 * Strip, regex replaces), no pre-tokenizer that drops whitespace, no fused unknown tokens, and a
 * BPE or Unigram vocabulary; otherwise there is no bound and every prompt is tokenised.
 */
final class TokenLengthBound {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEEPING_NORMALIZERS =
      Set.of("Prepend", "Lowercase", "NFD", "NFKD");
  private static final Set<String> KEEPING_PRE_TOKENIZERS =
      Set.of("ByteLevel", "Metaspace", "Digits", "Punctuation", "UnicodeScripts");

  private TokenLengthBound() {}

  /** The bound for the tokenizer.json at that path, or empty when the tokenizer may drop text. */
  static OptionalInt of(Path tokenizerJson) {
    try {
      return of(JSON.readTree(tokenizerJson.toFile()));
    } catch (IOException e) {
      return OptionalInt.empty();
    }
  }

  static OptionalInt of(JsonNode tokenizer) {
    if (!keepsText(tokenizer.path("normalizer"), true)
        || !keepsText(tokenizer.path("pre_tokenizer"), false)) {
      return OptionalInt.empty();
    }
    JsonNode model = tokenizer.path("model");
    int longest = 0;
    switch (model.path("type").asText("")) {
      case "BPE" -> {
        if (model.path("fuse_unk").asBoolean(false)) {
          return OptionalInt.empty();
        }
        for (Iterator<String> keys = model.path("vocab").fieldNames(); keys.hasNext(); ) {
          longest = Math.max(longest, codePoints(keys.next()));
        }
      }
      case "Unigram" -> {
        for (JsonNode piece : model.path("vocab")) {
          longest = Math.max(longest, codePoints(piece.path(0).asText("")));
        }
      }
      default -> {
        return OptionalInt.empty();
      }
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      longest = Math.max(longest, codePoints(added.path("content").asText("")));
    }
    return longest == 0 ? OptionalInt.empty() : OptionalInt.of(longest);
  }

  private static boolean keepsText(JsonNode step, boolean normalizer) {
    if (step.isMissingNode() || step.isNull()) {
      return true;
    }
    String type = step.path("type").asText("");
    if (type.equals("Sequence")) {
      JsonNode children = step.path(normalizer ? "normalizers" : "pretokenizers");
      for (JsonNode child : children) {
        if (!keepsText(child, normalizer)) {
          return false;
        }
      }
      return true;
    }
    if (normalizer) {
      if (type.equals("Replace")) {
        JsonNode pattern = step.path("pattern").path("String");
        return pattern.isTextual()
            && codePoints(step.path("content").asText("")) >= codePoints(pattern.asText());
      }
      return KEEPING_NORMALIZERS.contains(type);
    }
    if (type.equals("Split")) {
      return !"Removed".equals(step.path("behavior").asText());
    }
    return KEEPING_PRE_TOKENIZERS.contains(type);
  }

  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }
}
