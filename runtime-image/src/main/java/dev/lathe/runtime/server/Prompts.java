package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.runtime.model.ServedBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request's prompt into token ids: /v1/completions takes a string, an array of strings, or
 * token ids; /v1/chat/completions renders its messages through the model's chat template (from
 * tokenizer_config.json) with the generation prompt added.
 */
final class Prompts {

  private Prompts() {}

  static List<int[]> completion(JsonNode body, ServedBase base) {
    JsonNode prompt = body.get("prompt");
    List<int[]> prompts = new ArrayList<>();
    if (prompt == null || prompt.isNull()) {
      throw ApiError.invalid("prompt", "you must provide a prompt");
    }
    if (prompt.isTextual()) {
      prompts.add(encode(base, prompt.asText(), "prompt"));
    } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
      prompts.add(tokenIds(prompt, base));
    } else if (prompt.isArray() && !prompt.isEmpty()) {
      for (JsonNode item : prompt) {
        if (item.isTextual()) {
          prompts.add(encode(base, item.asText(), "prompt"));
        } else if (item.isArray() && !item.isEmpty()) {
          prompts.add(tokenIds(item, base));
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

  static int[] chat(JsonNode body, ServedBase base) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "messages must be a non-empty array");
    }
    List<ChatTemplate.Message> list = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String role = message.path("role").asText("");
      if (role.isEmpty()) {
        throw ApiError.invalid("messages[" + i + "].role", "each message needs a role");
      }
      list.add(new ChatTemplate.Message(role, content(message.get("content"), i)));
    }
    ChatTemplate template =
        base.chatTemplate()
            .orElseThrow(
                () ->
                    ApiError.invalid(
                        "messages",
                        "model "
                            + base.name()
                            + " has no chat template in its tokenizer_config.json; use"
                            + " /v1/completions"));
    String text;
    try {
      text = template.render(list, true);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid("messages", e.getMessage());
    }
    return encode(base, text, "messages");
  }

  /** Message content: a string, or an array of {"type": "text", "text": ...} parts. */
  private static String content(JsonNode content, int index) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText())) {
          throw ApiError.invalid(
              "messages[" + index + "].content",
              "only text content parts are supported, got " + part.path("type"));
        }
        text.append(part.path("text").asText());
      }
      return text.toString();
    }
    throw ApiError.invalid(
        "messages[" + index + "].content", "content must be a string or an array of text parts");
  }

  private static int[] encode(ServedBase base, String text, String param) {
    int[] ids = base.tokenizer().encode(text);
    if (ids.length == 0) {
      // An empty prompt still needs a position to predict from.
      return base.config()
          .bosTokenId()
          .map(bos -> new int[] {bos})
          .orElseThrow(() -> ApiError.invalid(param, param + " must not be empty"));
    }
    return ids;
  }

  private static int[] tokenIds(JsonNode array, ServedBase base) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.isIntegralNumber() || id.asInt() < 0 || id.asInt() >= base.config().vocabSize()) {
        throw ApiError.invalid(
            "prompt",
            "token ids must be integers from 0 to "
                + (base.config().vocabSize() - 1)
                + ", got "
                + id);
      }
      ids[i] = id.asInt();
    }
    return ids;
  }
}
