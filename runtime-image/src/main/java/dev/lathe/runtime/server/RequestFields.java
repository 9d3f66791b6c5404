package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one list of request fields: every field OpenAI documents for /v1/completions and
 * /v1/chat/completions, each either served, accepted because the value asks for nothing this server
 * would do differently (an empty {@code logit_bias}, a zero penalty, a {@code user}), or refused
 * with a 400 naming it. A field OpenAI does not document is refused as OpenAI refuses it, except
 * the vLLM-style {@code ignore_eos}. A null value counts as absent, as in OpenAI's API, so a client
 * echoing back an assistant message with {@code "tool_calls": null} is served.
 */
final class RequestFields {

  /** The endpoint a body was sent to. */
  enum Endpoint {
    COMPLETIONS,
    CHAT
  }

  /** What the server does with a field. */
  enum Treatment {
    SERVED,
    ACCEPTED_WHEN_NEUTRAL,
    REFUSED
  }

  /**
   * A field's rule.
   *
   * @param endpoints where OpenAI documents it
   * @param treatment served, accepted when neutral, or refused whatever its value
   * @param neutral for ACCEPTED_WHEN_NEUTRAL: the values that are accepted
   * @param neutralValues those values in words, for the refusal and the README
   */
  record Rule(
      Set<Endpoint> endpoints,
      Treatment treatment,
      Predicate<JsonNode> neutral,
      String neutralValues) {}

  private static final Set<Endpoint> BOTH = Set.of(Endpoint.COMPLETIONS, Endpoint.CHAT);
  private static final Set<Endpoint> COMPLETIONS = Set.of(Endpoint.COMPLETIONS);
  private static final Set<Endpoint> CHAT = Set.of(Endpoint.CHAT);

  static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    for (String field :
        new String[] {
          "model",
          "max_tokens",
          "n",
          "seed",
          "stop",
          "stream",
          "stream_options",
          "temperature",
          "top_p",
          "ignore_eos"
        }) {
      served(field, BOTH);
    }
    served("prompt", COMPLETIONS);
    served("messages", CHAT);
    served("max_completion_tokens", CHAT);

    neutral("user", BOTH, v -> v.isTextual(), "any string (not used)");
    neutral("safety_identifier", CHAT, v -> v.isTextual(), "any string (not used)");
    neutral("prompt_cache_key", CHAT, v -> v.isTextual(), "any string (not used)");
    neutral("metadata", CHAT, v -> v.isObject(), "any object (not stored)");
    neutral("store", CHAT, v -> v.isBoolean() && !v.booleanValue(), "false");
    neutral(
        "service_tier",
        CHAT,
        v -> v.isTextual() && Set.of("auto", "default").contains(v.textValue()),
        "\"auto\" or \"default\"");
    neutral("frequency_penalty", BOTH, RequestFields::isZero, "0");
    neutral("presence_penalty", BOTH, RequestFields::isZero, "0");
    neutral("logit_bias", BOTH, v -> v.isObject() && v.isEmpty(), "{}");
    neutral("logprobs", BOTH, v -> v.isBoolean() && !v.booleanValue(), "false");
    neutral("top_logprobs", CHAT, RequestFields::isZero, "0");
    neutral("echo", COMPLETIONS, v -> v.isBoolean() && !v.booleanValue(), "false");
    neutral(
        "best_of",
        COMPLETIONS,
        v -> v.isIntegralNumber() && v.canConvertToInt() && v.intValue() == 1,
        "1");
    neutral("suffix", COMPLETIONS, v -> v.isTextual() && v.textValue().isEmpty(), "\"\"");
    neutral(
        "response_format",
        CHAT,
        v -> v.isObject() && v.size() == 1 && "text".equals(v.path("type").textValue()),
        "{\"type\": \"text\"}");
    neutral("tools", CHAT, v -> v.isArray() && v.isEmpty(), "[]");
    neutral("functions", CHAT, v -> v.isArray() && v.isEmpty(), "[]");
    neutral("tool_choice", CHAT, v -> "none".equals(v.textValue()), "\"none\"");
    neutral("function_call", CHAT, v -> "none".equals(v.textValue()), "\"none\"");
    neutral("parallel_tool_calls", CHAT, JsonNode::isBoolean, "true or false (no tools)");
    neutral(
        "modalities",
        CHAT,
        v -> v.isArray() && v.size() == 1 && "text".equals(v.path(0).textValue()),
        "[\"text\"]");
    for (String field :
        new String[] {
          "audio", "prediction", "reasoning_effort", "web_search_options", "verbosity"
        }) {
      RULES.put(field, new Rule(CHAT, Treatment.REFUSED, v -> false, "none"));
    }
  }

  private RequestFields() {}

  /** Refuses the first field of the body that is unknown, or not supported with that value. */
  static void check(JsonNode body, Endpoint endpoint) {
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        continue;
      }
      Rule rule = RULES.get(name);
      if (rule == null || !rule.endpoints().contains(endpoint)) {
        throw ApiError.invalid(name, "Unrecognized request argument supplied: " + name);
      }
      switch (rule.treatment()) {
        case SERVED -> {}
        case ACCEPTED_WHEN_NEUTRAL -> {
          if (!rule.neutral().test(value)) {
            throw ApiError.invalid(
                name,
                name
                    + " is not supported by this server; accepted values: "
                    + rule.neutralValues()
                    + ", got "
                    + abbreviated(value));
          }
        }
        case REFUSED -> throw ApiError.invalid(name, name + " is not supported by this server");
      }
    }
  }

  private static void served(String field, Set<Endpoint> endpoints) {
    RULES.put(field, new Rule(endpoints, Treatment.SERVED, v -> true, "see the parameter"));
  }

  private static void neutral(
      String field, Set<Endpoint> endpoints, Predicate<JsonNode> neutral, String values) {
    RULES.put(field, new Rule(endpoints, Treatment.ACCEPTED_WHEN_NEUTRAL, neutral, values));
  }

  private static boolean isZero(JsonNode value) {
    return value.isNumber() && value.doubleValue() == 0;
  }

  /** A refused value in a message, cut short: a client's value may be megabytes. */
  static String abbreviated(JsonNode value) {
    String text = value.toString();
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
