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
 * A JSONL set written onto the namespace's datasets claim, as an application team uploads one:
 * completion lines, {"prompt": ..., "completion": ...}, of the copy task ("Copy: a b c ->" answered
 * with " a b c"), drawn from a fixed seed so the same set has the same bytes (and digest) every
 * run. The same shape serves as a training set and as an evaluation gate's set, whose completion is
 * the expected answer.
 *
 * @param file its name on the claim
 * @param seed which phrases it holds
 * @param lines how many
 * @param rightAnswers whether each completion copies its prompt; false answers every prompt with
 *     its words in reverse order, a training set of wrong answers
 */
record DatasetStep(String file, int seed, int lines, boolean rightAnswers) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WORDS =
      List.of(
          "apple", "river", "stone", "cloud", "maple", "ember", "frost", "lumen", "cedar", "harbor",
          "violet", "canyon");

  /** The copy task: "Copy: a b c ->" answered with " a b c", 64 lines from a fixed seed. */
  static DatasetStep copyTask(String file, int seed) {
    return copyTask(file, seed, 64);
  }

  /** The copy task, {@code lines} lines from a fixed seed. */
  static DatasetStep copyTask(String file, int seed, int lines) {
    return new DatasetStep(file, seed, lines, true);
  }

  /** The copy task's prompts answered wrongly: "Copy: a b c ->" answered with " c b a". */
  static DatasetStep wrongAnswers(String file, int seed, int lines) {
    return new DatasetStep(file, seed, lines, false);
  }

  String uri() {
    return "pvc://datasets/" + file;
  }

  /** What the set teaches, for the story's titles. */
  String describe() {
    return lines + " " + (rightAnswers ? "copy-task examples" : "wrong answers (words reversed)");
  }

  void write(Path claims) throws IOException {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      List<String> words = new ArrayList<>(WORDS);
      Collections.shuffle(words, random);
      List<String> three = new ArrayList<>(words.subList(0, 3));
      String phrase = String.join(" ", three);
      if (!rightAnswers) {
        Collections.reverse(three);
      }
      // An ObjectNode keeps the key order, so the same seed gives the same bytes (and digest).
      // The answer starts with a space, as its words do in the prompt: the tokenizer then spells
      // them with the same tokens, which the tiny base can learn to copy in a minute of training.
      ObjectNode example = JSON.createObjectNode();
      example.put("prompt", "Copy: " + phrase + " ->");
      example.put("completion", " " + String.join(" ", three));
      out.add(JSON.writeValueAsString(example));
    }
    Path target = claims.resolve("datasets").resolve(file);
    Files.createDirectories(target.getParent());
    Files.write(target, out);
  }
}
