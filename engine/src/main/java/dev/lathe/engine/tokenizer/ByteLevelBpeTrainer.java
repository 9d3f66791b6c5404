package dev.lathe.engine.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary (GPT-2 style: every byte is a symbol, so no text is ever
 * unknown) and writes it as a Hugging Face tokenizer.json that the tokenizers library — in Python,
 * Rust, or DJL — loads. Deterministic: ties between pairs go to the smaller pair.
 */
public final class ByteLevelBpeTrainer {

  /** GPT-2's pre-tokenisation: contractions, letters, digits, other symbols, whitespace. */
  static final Pattern PRE_TOKENIZE =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int vocabSize;
  private final List<String> specialTokens;

  /**
   * @param vocabSize the final vocabulary size, special tokens and the 256 byte symbols included
   * @param specialTokens tokens with ids 0, 1, ... that are never split (e.g. &lt;|bos|&gt;)
   */
  public ByteLevelBpeTrainer(int vocabSize, List<String> specialTokens) {
    if (vocabSize < specialTokens.size() + 256) {
      throw new IllegalArgumentException(
          "a byte-level vocabulary needs at least 256 + special tokens entries");
    }
    this.vocabSize = vocabSize;
    this.specialTokens = List.copyOf(specialTokens);
  }

  /** Learns merges from the text and writes tokenizer.json. */
  public void train(String corpus, Path tokenizerJson) {
    Map<List<String>, Integer> words = new HashMap<>();
    Matcher matcher = PRE_TOKENIZE.matcher(corpus);
    while (matcher.find()) {
      List<String> symbols = new ArrayList<>();
      for (byte b : matcher.group().getBytes(StandardCharsets.UTF_8)) {
        symbols.add(ByteLevel.symbol(b));
      }
      words.merge(symbols, 1, Integer::sum);
    }

    Map<String, Integer> vocab = new LinkedHashMap<>();
    specialTokens.forEach(t -> vocab.put(t, vocab.size()));
    for (int b = 0; b < 256; b++) {
      vocab.putIfAbsent(ByteLevel.symbol((byte) b), vocab.size());
    }
    List<String[]> merges = new ArrayList<>();
    List<List<String>> wordList = new ArrayList<>(words.keySet());
    List<Integer> counts = new ArrayList<>();
    wordList.forEach(w -> counts.add(words.get(w)));
    while (vocab.size() < vocabSize) {
      TreeMap<String, Integer> pairs = new TreeMap<>();
      for (int w = 0; w < wordList.size(); w++) {
        List<String> word = wordList.get(w);
        for (int i = 0; i + 1 < word.size(); i++) {
          pairs.merge(word.get(i) + "\u0000" + word.get(i + 1), counts.get(w), Integer::sum);
        }
      }
      if (pairs.isEmpty()) {
        break;
      }
      String best = null;
      int bestCount = 0;
      for (Map.Entry<String, Integer> pair : pairs.entrySet()) {
        if (pair.getValue() > bestCount) {
          best = pair.getKey();
          bestCount = pair.getValue();
        }
      }
      if (bestCount < 2) {
        break;
      }
      String[] pair = best.split("\u0000", 2);
      String merged = pair[0] + pair[1];
      merges.add(pair);
      vocab.putIfAbsent(merged, vocab.size());
      for (int w = 0; w < wordList.size(); w++) {
        wordList.set(w, merge(wordList.get(w), pair[0], pair[1], merged));
      }
    }
    write(tokenizerJson, vocab, merges);
  }

  private static List<String> merge(List<String> word, String left, String right, String merged) {
    List<String> result = new ArrayList<>(word.size());
    for (int i = 0; i < word.size(); i++) {
      if (i + 1 < word.size() && word.get(i).equals(left) && word.get(i + 1).equals(right)) {
        result.add(merged);
        i++;
      } else {
        result.add(word.get(i));
      }
    }
    return result;
  }

  private void write(Path file, Map<String, Integer> vocab, List<String[]> merges) {
    ObjectNode json = JSON.createObjectNode();
    json.put("version", "1.0");
    json.putNull("truncation");
    json.putNull("padding");
    ArrayNode added = json.putArray("added_tokens");
    for (String token : specialTokens) {
      added
          .addObject()
          .put("id", vocab.get(token))
          .put("content", token)
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    json.putNull("normalizer");
    json.set("pre_tokenizer", byteLevel(false, true));
    json.set("post_processor", byteLevel(true, false));
    json.set("decoder", byteLevel(true, true));
    ObjectNode model = json.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocabNode = model.putObject("vocab");
    vocab.forEach(vocabNode::put);
    ArrayNode mergesNode = model.putArray("merges");
    merges.forEach(m -> mergesNode.addArray().add(m[0]).add(m[1]));
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", addPrefixSpace);
    node.put("trim_offsets", trimOffsets);
    node.put("use_regex", true);
    return node;
  }
}
