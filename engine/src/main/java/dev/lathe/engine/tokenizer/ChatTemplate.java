package dev.lathe.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat template: the Jinja template of its tokenizer_config.json, rendered as
 * transformers' apply_chat_template renders it (trim_blocks and lstrip_blocks on; messages,
 * add_generation_prompt, bos_token, eos_token and raise_exception in scope).
 */
public final class ChatTemplate {

  /** One chat message. */
  public record Message(String role, String content) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadLocal<String> REFUSAL = new ThreadLocal<>();

  private final String template;
  private final String bosToken;
  private final String eosToken;
  private final Jinjava jinja;

  public ChatTemplate(String template, String bosToken, String eosToken) {
    this.template = template;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.jinja =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .build());
    jinja
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
  }

  /** The template of a model directory, when its tokenizer_config.json has one. */
  public static Optional<ChatTemplate> load(Path modelDirectory) {
    Path config = modelDirectory.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    try {
      JsonNode json = JSON.readTree(config.toFile());
      JsonNode template = json.path("chat_template");
      String text = null;
      if (template.isTextual()) {
        text = template.asText();
      } else if (template.isArray()) {
        for (JsonNode named : template) {
          if ("default".equals(named.path("name").asText())) {
            text = named.path("template").asText();
          }
        }
      }
      if (text == null) {
        return Optional.empty();
      }
      return Optional.of(
          new ChatTemplate(text, token(json.path("bos_token")), token(json.path("eos_token"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
  }

  /** Special tokens are written as a string, or as an object with a content field. */
  private static String token(JsonNode node) {
    return node.isObject() ? node.path("content").asText("") : node.asText("");
  }

  public String render(List<Message> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Message message : messages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("role", message.role());
      m.put("content", message.content());
      list.add(m);
    }
    Map<String, Object> context = new HashMap<>();
    context.put("messages", list);
    context.put("add_generation_prompt", addGenerationPrompt);
    context.put("bos_token", bosToken);
    context.put("eos_token", eosToken);
    REFUSAL.remove();
    var result = jinja.renderForResult(template, context);
    String refusal = REFUSAL.get();
    REFUSAL.remove();
    if (refusal != null) {
      throw new IllegalArgumentException("the chat template refused the conversation: " + refusal);
    }
    if (!result.getErrors().isEmpty()) {
      throw new IllegalArgumentException(
          "the chat template failed: " + result.getErrors().get(0).getMessage());
    }
    return result.getOutput();
  }

  /**
   * The raise_exception() templates call to refuse a conversation, e.g. roles out of order. Jinjava
   * wraps what a function throws without its message, so the message is kept aside for render().
   */
  public static String raiseException(String message) {
    REFUSAL.set(message);
    throw new IllegalArgumentException(message);
  }
}
