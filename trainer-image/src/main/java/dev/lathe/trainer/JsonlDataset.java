package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.TrainingExample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL dataset into training sequences. completion-jsonl lines are {"prompt",
 * "completion"}; chat-jsonl lines are {"messages": [{"role", "content"}, ...]}, rendered as "Role:
 * content" lines (the tiny base's chat template). Loss falls on completions and assistant turns
 * only. A line that cannot be used is reported with its number.
 */
public final class JsonlDataset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TextTokenizer tokenizer;
  private final int bosId;
  private final int eosId;
  private final int maxLength;

  public JsonlDataset(TextTokenizer tokenizer, int bosId, int eosId, int maxLength) {
    this.tokenizer = tokenizer;
    this.bosId = bosId;
    this.eosId = eosId;
    this.maxLength = maxLength;
  }

  public List<TrainingExample> read(Path file, String format) {
    List<TrainingExample> examples = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode json;
        try {
          json = JSON.readTree(line);
        } catch (IOException e) {
          throw new DatasetException(file, number, "not valid JSON");
        }
        TrainingExample example =
            format.equals("chat-jsonl") ? chat(json, file, number) : completion(json, file, number);
        examples.add(example.truncate(maxLength));
      }
    } catch (IOException e) {
      throw new DatasetException(file, 0, "unreadable: " + e.getMessage());
    }
    if (examples.isEmpty()) {
      throw new DatasetException(file, 0, "no examples");
    }
    return examples;
  }

  private TrainingExample completion(JsonNode json, Path file, int number) {
    if (!json.path("prompt").isTextual() || !json.path("completion").isTextual()) {
      throw new DatasetException(
          file, number, "a completion-jsonl line needs string fields prompt and completion");
    }
    Sequence sequence = new Sequence();
    sequence.add(new int[] {bosId}, false);
    sequence.add(tokenizer.encode(json.path("prompt").asText()), false);
    sequence.add(tokenizer.encode(json.path("completion").asText()), true);
    sequence.add(new int[] {eosId}, true);
    return sequence.toExample();
  }

  private TrainingExample chat(JsonNode json, Path file, int number) {
    JsonNode messages = json.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new DatasetException(
          file, number, "a chat-jsonl line needs a non-empty messages array");
    }
    Sequence sequence = new Sequence();
    sequence.add(new int[] {bosId}, false);
    boolean anyAssistant = false;
    for (JsonNode message : messages) {
      String role = message.path("role").asText("");
      if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
        throw new DatasetException(
            file, number, "message role must be system, user or assistant, was '" + role + "'");
      }
      if (!message.path("content").isTextual()) {
        throw new DatasetException(file, number, "every message needs a string content");
      }
      boolean assistant = role.equals("assistant");
      anyAssistant |= assistant;
      sequence.add(
          tokenizer.encode(Character.toUpperCase(role.charAt(0)) + role.substring(1) + ":"), false);
      sequence.add(tokenizer.encode(" " + message.path("content").asText() + "\n"), assistant);
    }
    if (!anyAssistant) {
      throw new DatasetException(file, number, "no assistant message to learn from");
    }
    sequence.add(new int[] {eosId}, true);
    return sequence.toExample();
  }

  private static final class Sequence {
    private final List<Integer> tokens = new ArrayList<>();
    private final List<Boolean> targets = new ArrayList<>();

    void add(int[] ids, boolean target) {
      for (int id : ids) {
        tokens.add(id);
        targets.add(target);
      }
    }

    TrainingExample toExample() {
      int[] t = tokens.stream().mapToInt(Integer::intValue).toArray();
      boolean[] m = new boolean[targets.size()];
      for (int i = 0; i < m.length; i++) {
        m[i] = targets.get(i);
      }
      return new TrainingExample(t, m);
    }
  }

  /** A dataset that cannot be trained on; the message names the file and line. */
  public static final class DatasetException extends RuntimeException {
    public DatasetException(Path file, int line, String problem) {
      super(file.getFileName() + (line > 0 ? " line " + line : "") + ": " + problem);
    }
  }
}
