package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.tokenizer.ChatTemplate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a request's prompt into token ids: /v1/completions takes a string, an array of strings, or
 * token ids; /v1/chat/completions renders its messages through the model's chat template (from
 * tokenizer_config.json) with the generation prompt added. Runs on the request worker pool.
 */
final class Prompts {

  private static final Set<String> ROLES = Set.of("system", "user", "assistant");
  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name");

  private Prompts() {}

  /** How many prompts a completion body holds, read before any of them is tokenised. */
  static int completionCount(JsonNode body) {
    JsonNode prompt = body.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw ApiError.invalid("prompt", "you must provide a prompt");
    }
    if (prompt.isArray() && !prompt.isEmpty() && !prompt.get(0).isNumber()) {
      return prompt.size();
    }
    return 1;
  }

  static List<int[]> completion(JsonNode body, PromptEncoder encoder) {
    JsonNode prompt = body.get("prompt");
    List<int[]> prompts = new ArrayList<>();
    if (prompt == null || prompt.isNull()) {
      throw ApiError.invalid("prompt", "you must provide a prompt");
    }
    if (prompt.isTextual()) {
      prompts.add(encoder.encode(prompt.textValue(), "prompt"));
    } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isNumber()) {
      prompts.add(encoder.tokenIds(prompt, "prompt"));
    } else if (prompt.isArray() && !prompt.isEmpty()) {
      for (JsonNode item : prompt) {
        if (item.isTextual()) {
          prompts.add(encoder.encode(item.textValue(), "prompt"));
        } else if (item.isArray() && !item.isEmpty()) {
          prompts.add(encoder.tokenIds(item, "prompt"));
        } else {
          throw ApiError.invalid(
              "prompt", "prompt must be a string, an array of strings or of token ids");
        }
      }
    } else {
      throw ApiError.invalid(
          "prompt", "prompt must be a string, an array of strings or of token ids");
    }
    return prompts;
  }

  static int[] chat(
      JsonNode body, Optional<ChatTemplate> template, String modelName, PromptEncoder encoder) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "messages must be a non-empty array");
    }
    List<ChatTemplate.Message> list = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      list.add(message(messages.get(i), i));
    }
    ChatTemplate chatTemplate =
        template.orElseThrow(
            () ->
                ApiError.invalid(
                    "messages",
                    "model "
                        + modelName
                        + " has no chat template in its tokenizer_config.json; use"
                        + " /v1/completions"));
    String text;
    try {
      text = chatTemplate.render(list, true);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid("messages", e.getMessage());
    }
    return encoder.encode(text, "messages");
  }

  private static ChatTemplate.Message message(JsonNode message, int index) {
    String at = "messages[" + index + "]";
    if (!message.isObject()) {
      throw ApiError.invalid(at, "each message must be an object with a role and a content");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = message.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!MESSAGE_FIELDS.contains(field.getKey()) && !field.getValue().isNull()) {
        throw ApiError.invalid(
            at + "." + field.getKey(),
            field.getKey() + " in messages is not supported by this server");
      }
    }
    JsonNode role = message.get("role");
    if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
      throw ApiError.invalid(
          at + ".role",
          "role must be one of \"system\", \"user\", \"assistant\", got "
              + (role == null ? "none" : RequestFields.abbreviated(role)));
    }
    JsonNode name = message.get("name");
    if (name != null && !name.isNull() && !name.isTextual()) {
      throw ApiError.invalid(at + ".name", "name must be a string");
    }
    return new ChatTemplate.Message(role.textValue(), content(message.get("content"), at));
  }

  /** Message content: a string, or an array of {"type": "text", "text": ...} parts. */
  private static String content(JsonNode content, String at) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.textValue();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").textValue()) || !part.path("text").isTextual()) {
          throw ApiError.invalid(
              at + ".content",
              "only text content parts ({\"type\": \"text\", \"text\": \"...\"}) are supported,"
                  + " got "
                  + RequestFields.abbreviated(part));
        }
        text.append(part.path("text").textValue());
      }
      return text.toString();
    }
    throw ApiError.invalid(at + ".content", "content must be a string or an array of text parts");
  }
}
