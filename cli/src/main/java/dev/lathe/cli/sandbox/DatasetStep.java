package dev.lathe.cli.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A training set written onto the namespace's datasets claim, as an application team uploads one:
 * completion JSONL lines, {"prompt": ..., "completion": ...}.
 */
record DatasetStep(String file, int seed) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WORDS =
      List.of(
          "apple", "river", "stone", "cloud", "maple", "ember", "frost", "lumen", "cedar", "harbor",
          "violet", "canyon");

  /** The copy task: "Copy: a b c" answered with "a b c", 64 lines from a fixed seed. */
  static DatasetStep copyTask(String file, int seed) {
    return new DatasetStep(file, seed);
  }

  String uri() {
    return "pvc://datasets/" + file;
  }

  void write(Path claims) throws IOException {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      List<String> words = new ArrayList<>(WORDS);
      Collections.shuffle(words, random);
      String phrase = String.join(" ", words.subList(0, 3));
      // An ObjectNode keeps the key order, so the same seed gives the same bytes (and digest).
      ObjectNode example = JSON.createObjectNode();
      example.put("prompt", "Copy: " + phrase + "\n");
      example.put("completion", phrase);
      lines.add(JSON.writeValueAsString(example));
    }
    Path target = claims.resolve("datasets").resolve(file);
    Files.createDirectories(target.getParent());
    Files.write(target, lines);
  }
}
