package dev.lathe.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model's tokenizer.json, through Hugging Face's tokenizers library (Rust, via DJL; its native
 * library ships in the jar, so nothing is downloaded). Special tokens are added by the caller, not
 * implicitly, so prompts and chat templates control exactly what the model sees.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;

  private TextTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  public static TextTokenizer load(Path tokenizerJson) {
    try {
      return new TextTokenizer(
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              // DJL's defaults truncate at 512 tokens and pad batches, silently.
              Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + tokenizerJson, e);
    }
  }

  public int[] encode(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = Math.toIntExact(ids[i]);
    }
    return result;
  }

  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, false);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
