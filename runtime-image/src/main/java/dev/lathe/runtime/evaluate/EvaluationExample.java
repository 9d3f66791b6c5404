package dev.lathe.runtime.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of an evaluation set, in the trainer's dataset formats: {"prompt", "completion"} is
 * asked through /v1/completions, {"messages": [...]} through /v1/chat/completions with its last
 * (assistant) message as the expected answer.
 *
 * @param request the request body without model and sampling fields
 * @param chat whether it goes to the chat endpoint
 * @param expected the answer that counts as right
 */
record EvaluationExample(ObjectNode request, boolean chat, String expected) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a JSONL set; {@code name} says where it came from in messages. */
  static List<EvaluationExample> parseAll(String content, String name) {
    List<EvaluationExample> examples = new ArrayList<>();
    List<String> lines = content.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        examples.add(parse(JSON.readTree(line)));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(name + " holds no example");
    }
    return examples;
  }

  static EvaluationExample parse(JsonNode line) {
    if (line.has("messages")) {
      JsonNode messages = line.get("messages");
      if (!messages.isArray() || messages.size() < 2) {
        throw new IllegalArgumentException(
            "messages must hold the question and the expected answer");
      }
      JsonNode last = messages.get(messages.size() - 1);
      if (!"assistant".equals(last.path("role").asText())) {
        throw new IllegalArgumentException(
            "the last message must be the assistant's expected answer");
      }
      ObjectNode request = JSON.createObjectNode();
      ArrayNode asked = request.putArray("messages");
      for (int i = 0; i < messages.size() - 1; i++) {
        asked.add(messages.get(i));
      }
      return new EvaluationExample(request, true, last.path("content").asText());
    }
    if (line.path("prompt").isTextual() && line.path("completion").isTextual()) {
      ObjectNode request = JSON.createObjectNode().put("prompt", line.get("prompt").asText());
      return new EvaluationExample(request, false, line.get("completion").asText());
    }
    throw new IllegalArgumentException(
        "expected {\"prompt\", \"completion\"} or {\"messages\": [...]}");
  }
}
