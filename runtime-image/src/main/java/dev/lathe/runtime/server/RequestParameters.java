package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.runtime.generation.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The parameters completions and chat completions share, checked as OpenAI checks them; each
 * refusal names the parameter.
 *
 * @param model the base's or an adapter's name
 * @param maxTokens the requested maximum, or null when absent
 * @param maxTokensField the name the maximum was given under (max_tokens, max_completion_tokens)
 * @param n how many choices
 * @param stream send server-sent events
 * @param includeUsage with stream: a last chunk with usage (stream_options.include_usage)
 */
public record RequestParameters(
    String model,
    Integer maxTokens,
    String maxTokensField,
    double temperature,
    double topP,
    OptionalLong seed,
    List<String> stop,
    int n,
    boolean stream,
    boolean includeUsage,
    boolean ignoreEos) {

  static final int MAX_CHOICES = 16;

  /** Reads the shared parameters; {@code maxTokenFields} are the names max_tokens may take. */
  public static RequestParameters read(JsonNode body, String... maxTokenFields) {
    JsonNode model = body.path("model");
    if (!model.isTextual() || model.asText().isEmpty()) {
      throw ApiError.invalid("model", "you must provide a model parameter");
    }
    Integer maxTokens = null;
    String maxTokensField = maxTokenFields[0];
    for (String field : maxTokenFields) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull()) {
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
          throw ApiError.invalid(field, field + " must be an integer of at least 1, got " + value);
        }
        maxTokens = value.asInt();
        maxTokensField = field;
      }
    }
    double temperature = number(body, "temperature", 1.0, 0, 2);
    double topP = number(body, "top_p", 1.0, 0, 1);
    if (topP == 0) {
      throw ApiError.invalid("top_p", "top_p must be greater than 0 and at most 1");
    }
    OptionalLong seed = OptionalLong.empty();
    JsonNode seedNode = body.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        throw ApiError.invalid("seed", "seed must be an integer, got " + seedNode);
      }
      seed = OptionalLong.of(seedNode.asLong());
    }
    int n = 1;
    JsonNode nNode = body.get("n");
    if (nNode != null && !nNode.isNull()) {
      if (!nNode.isIntegralNumber() || nNode.asInt() < 1 || nNode.asInt() > MAX_CHOICES) {
        throw ApiError.invalid(
            "n", "n must be an integer from 1 to " + MAX_CHOICES + ", got " + nNode);
      }
      n = nNode.asInt();
    }
    boolean stream = bool(body, "stream");
    boolean includeUsage =
        stream && body.path("stream_options").path("include_usage").asBoolean(false);
    rejectUnsupported(body);
    return new RequestParameters(
        model.asText(),
        maxTokens,
        maxTokensField,
        temperature,
        topP,
        seed,
        stop(body),
        n,
        stream,
        includeUsage,
        bool(body, "ignore_eos"));
  }

  /**
   * The sampling parameters with the maximum resolved against the context left after the prompt.
   */
  public SamplingParameters sampling(int maxTokens) {
    return new SamplingParameters(maxTokens, temperature, topP, seed, stop, ignoreEos);
  }

  private static List<String> stop(JsonNode body) {
    JsonNode stop = body.get("stop");
    List<String> strings = new ArrayList<>();
    if (stop == null || stop.isNull()) {
      return strings;
    }
    if (stop.isTextual()) {
      strings.add(stop.asText());
    } else if (stop.isArray() && stop.size() <= 4) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw ApiError.invalid("stop", "stop must be a string or an array of up to 4 strings");
        }
        strings.add(s.asText());
      }
    } else {
      throw ApiError.invalid("stop", "stop must be a string or an array of up to 4 strings");
    }
    if (strings.stream().anyMatch(String::isEmpty)) {
      throw ApiError.invalid("stop", "stop strings must not be empty");
    }
    return strings;
  }

  private static void rejectUnsupported(JsonNode body) {
    if (body.path("logprobs").isNumber()
        || body.path("logprobs").asBoolean(false)
        || body.path("top_logprobs").isNumber()) {
      throw ApiError.invalid("logprobs", "logprobs are not supported by this server");
    }
    if (body.path("echo").asBoolean(false)) {
      throw ApiError.invalid("echo", "echo is not supported by this server");
    }
    if (body.path("best_of").asInt(1) > 1) {
      throw ApiError.invalid("best_of", "best_of is not supported by this server");
    }
    if (body.hasNonNull("suffix")) {
      throw ApiError.invalid("suffix", "suffix is not supported by this server");
    }
    if (body.path("tools").isArray() && !body.path("tools").isEmpty()) {
      throw ApiError.invalid("tools", "tools are not supported by this server");
    }
  }

  private static double number(JsonNode body, String field, double absent, double min, double max) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
      throw ApiError.invalid(
          field, field + " must be a number from " + min + " to " + max + ", got " + value);
    }
    return value.asDouble();
  }

  private static boolean bool(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiError.invalid(field, field + " must be true or false, got " + value);
    }
    return value.asBoolean();
  }
}
