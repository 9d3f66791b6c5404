package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.runtime.model.ServedBase;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Turns prompt text or token ids into the ids the model reads, refusing a prompt that cannot fit
 * the context after looking at no more of it than that takes: a text longer than the context times
 * the longest token ({@link TokenLengthBound}) is refused without being tokenised, and an id array
 * longer than the context without its ids being read.
 */
final class PromptEncoder {

  private final Function<String, int[]> tokenizer;
  private final int context;
  private final int vocabSize;
  private final OptionalInt maxCodePointsPerToken;
  private final OptionalInt bos;

  PromptEncoder(
      Function<String, int[]> tokenizer,
      int context,
      int vocabSize,
      OptionalInt maxCodePointsPerToken,
      OptionalInt bos) {
    this.tokenizer = tokenizer;
    this.context = context;
    this.vocabSize = vocabSize;
    this.maxCodePointsPerToken = maxCodePointsPerToken;
    this.bos = bos;
  }

  static PromptEncoder of(ServedBase base) {
    return new PromptEncoder(
        base.tokenizer()::encode,
        base.config().maxPositionEmbeddings(),
        base.config().vocabSize(),
        TokenLengthBound.of(base.verified().directory().resolve("tokenizer.json")),
        base.config().bosTokenId().map(OptionalInt::of).orElse(OptionalInt.empty()));
  }

  int context() {
    return context;
  }

  /** The ids of a text; {@code param} names the field it came from in a refusal. */
  int[] encode(String text, String param) {
    if (maxCodePointsPerToken.isPresent()) {
      long perToken = maxCodePointsPerToken.getAsInt();
      int codePoints = text.codePointCount(0, text.length());
      if (codePoints > (context - 1) * perToken) {
        // Each token stands for at most perToken code points, so there are more than context - 1.
        long atLeast = (codePoints + perToken - 1) / perToken;
        throw tooLong(param, "at least " + atLeast);
      }
    }
    int[] ids = tokenizer.apply(text);
    if (ids.length == 0) {
      // An empty prompt still needs a position to predict from.
      if (bos.isEmpty()) {
        throw ApiError.invalid(param, param + " must not be empty");
      }
      return new int[] {bos.getAsInt()};
    }
    if (ids.length >= context) {
      throw tooLong(param, Integer.toString(ids.length));
    }
    return ids;
  }

  /** Token ids given directly: each an integer in the vocabulary, fewer than the context. */
  int[] tokenIds(JsonNode array, String param) {
    if (array.size() >= context) {
      throw tooLong(param, Integer.toString(array.size()));
    }
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.isIntegralNumber()
          || !id.canConvertToInt()
          || id.intValue() < 0
          || id.intValue() >= vocabSize) {
        throw ApiError.invalid(
            param, "token ids must be integers from 0 to " + (vocabSize - 1) + ", got " + id);
      }
      ids[i] = id.intValue();
    }
    return ids;
  }

  private ApiError tooLong(String param, String tokens) {
    return ApiError.contextLength(
        param,
        "This model's maximum context length is "
            + context
            + " tokens. However, your "
            + param
            + " has "
            + tokens
            + " tokens. Please reduce the length.");
  }
}
