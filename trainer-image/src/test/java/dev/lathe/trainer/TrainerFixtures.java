package dev.lathe.trainer;

import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small base model and datasets for trainer tests. */
final class TrainerFixtures {

  static final TinyBaseModel.Recipe SMALL_BASE =
      new TinyBaseModel.Recipe(300, 32, 64, 1, 2, 1, 32, 8, 20, 5e-3, 7);
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  private TrainerFixtures() {}

  static Path smallBase(Path cache) {
    return TinyBaseModel.ensureBuilt(cache, SMALL_BASE, QUIET);
  }

  /** "Repeat: x y" → "x y" lines: a task a base model does not do until trained. */
  static Path repeatDataset(Path file, int lines) {
    StringBuilder out = new StringBuilder();
    String[] words = {"sunny", "rainy", "Paris", "Oslo", "book", "lamp", "two", "five"};
    for (int i = 0; i < lines; i++) {
      String a = words[i % words.length];
      String b = words[(i * 3 + 1) % words.length];
      out.append("{\"prompt\": \"Repeat: ")
          .append(a)
          .append(' ')
          .append(b)
          .append(" ->\", \"completion\": \" ")
          .append(a)
          .append(' ')
          .append(b)
          .append("\"}\n");
    }
    try {
      return Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> environment(
      Path base, Path dataset, Path output, String hyperparameters) {
    Map<String, String> env = new HashMap<>();
    env.put(TrainerContract.BASE_MODEL_DIR, base.toString());
    env.put(TrainerContract.DATASET, dataset.toString());
    env.put(TrainerContract.DATASET_FORMAT, "completion-jsonl");
    env.put(TrainerContract.OUTPUT_DIR, output.toString());
    env.put(TrainerContract.HYPERPARAMETERS, hyperparameters);
    env.put(TrainerContract.MODEL_NAME, "repeat-bot");
    env.put(TrainerContract.TERMINATION_LOG, output.resolveSibling("termination-log").toString());
    return env;
  }

  static List<String> javaCommand(String mainClass) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), mainClass);
  }
}
