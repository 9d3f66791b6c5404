package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.TrainingExample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads a JSONL dataset into training sequences. completion-jsonl lines are {"prompt",
 * "completion"}; chat-jsonl lines are {"messages": [{"role", "content"}, ...]}, rendered through
 * the base model's chat template (tokenizer_config.json), or as "Role: content" lines when it has
 * none. Loss falls on completions and assistant turns only: an assistant turn's tokens are those
 * its message adds after the generation prompt. A line that cannot be used is reported with its
 * number.
 */
public final class JsonlDataset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TextTokenizer tokenizer;
  private final Optional<ChatTemplate> template;
  private final int bosId;
  private final int eosId;
  private final int maxLength;

  public JsonlDataset(
      TextTokenizer tokenizer,
      Optional<ChatTemplate> template,
      int bosId,
      int eosId,
      int maxLength) {
    this.tokenizer = tokenizer;
    this.template = template;
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
    JsonNode messagesJson = json.path("messages");
    if (!messagesJson.isArray() || messagesJson.isEmpty()) {
      throw new DatasetException(
          file, number, "a chat-jsonl line needs a non-empty messages array");
    }
    List<ChatTemplate.Message> messages = new ArrayList<>();
    for (JsonNode message : messagesJson) {
      String role = message.path("role").asText("");
      if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
        throw new DatasetException(
            file, number, "message role must be system, user or assistant, was '" + role + "'");
      }
      if (!message.path("content").isTextual()) {
        throw new DatasetException(file, number, "every message needs a string content");
      }
      messages.add(new ChatTemplate.Message(role, message.path("content").asText()));
    }
    if (messages.stream().noneMatch(m -> m.role().equals("assistant"))) {
      throw new DatasetException(file, number, "no assistant message to learn from");
    }
    ChatTemplate chat =
        template.orElse(
            new ChatTemplate(
                "{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] }}\n{% endfor %}"
                    + "{% if add_generation_prompt %}Assistant:{% endif %}",
                "", ""));
    Sequence sequence = new Sequence();
    int[] previous = new int[0];
    try {
      for (int i = 0; i < messages.size(); i++) {
        if (messages.get(i).role().equals("assistant")) {
          int[] prompt = tokenizer.encode(chat.render(messages.subList(0, i), true));
          sequence.add(Arrays.copyOfRange(prompt, common(previous, prompt), prompt.length), false);
          int[] full = tokenizer.encode(chat.render(messages.subList(0, i + 1), false));
          sequence.add(Arrays.copyOfRange(full, common(prompt, full), full.length), true);
          previous = full;
        } else {
          int[] full = tokenizer.encode(chat.render(messages.subList(0, i + 1), false));
          sequence.add(Arrays.copyOfRange(full, common(previous, full), full.length), false);
          previous = full;
        }
      }
    } catch (IllegalArgumentException e) {
      throw new DatasetException(file, number, e.getMessage());
    }
    TrainingExample example = sequence.toExample();
    int[] tokens = example.tokens();
    Sequence framed = new Sequence();
    if (tokens[0] != bosId) {
      framed.add(new int[] {bosId}, false);
    }
    framed.addAll(example);
    if (tokens[tokens.length - 1] != eosId) {
      framed.add(new int[] {eosId}, true);
    }
    return framed.toExample();
  }

  /** How many leading tokens two encodings share: where a rendered prefix stops matching. */
  private static int common(int[] a, int[] b) {
    int n = 0;
    while (n < a.length && n < b.length && a[n] == b[n]) {
      n++;
    }
    return n;
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

    void addAll(TrainingExample example) {
      for (int i = 0; i < example.tokens().length; i++) {
        tokens.add(example.tokens()[i]);
        targets.add(example.targets()[i]);
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
