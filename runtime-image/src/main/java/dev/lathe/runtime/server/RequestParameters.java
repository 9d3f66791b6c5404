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
          throw ApiError.invalid(
              field,
              field
                  + " must be an integer from 1 to "
                  + Integer.MAX_VALUE
                  + ", got "
                  + RequestFields.abbreviated(value));
        }
        maxTokens = value.intValue();
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
        throw ApiError.invalid(
            "seed", "seed must be a 64-bit integer, got " + RequestFields.abbreviated(seedNode));
      }
      seed = OptionalLong.of(seedNode.longValue());
    }
    int n = 1;
    JsonNode nNode = body.get("n");
    if (nNode != null && !nNode.isNull()) {
      // canConvertToInt first: asInt() would read 4294967297 as 1.
      if (!nNode.isIntegralNumber()
          || !nNode.canConvertToInt()
          || nNode.intValue() < 1
          || nNode.intValue() > MAX_CHOICES) {
        throw ApiError.invalid(
            "n",
            "n must be an integer from 1 to "
                + MAX_CHOICES
                + ", got "
                + RequestFields.abbreviated(nNode));
      }
      n = nNode.intValue();
    }
    boolean stream = bool(body, "stream");
    boolean includeUsage = includeUsage(body, stream);
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

  private static boolean includeUsage(JsonNode body, boolean stream) {
    JsonNode options = body.get("stream_options");
    if (options == null || options.isNull()) {
      return false;
    }
    if (!options.isObject()) {
      throw ApiError.invalid(
          "stream_options",
          "stream_options must be an object such as {\"include_usage\": true}, got "
              + RequestFields.abbreviated(options));
    }
    for (var names = options.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("include_usage") && !options.get(name).isNull()) {
        throw ApiError.invalid(
            "stream_options." + name,
            "stream_options." + name + " is not supported by this server");
      }
    }
    JsonNode include = options.get("include_usage");
    if (include != null && !include.isNull() && !include.isBoolean()) {
      throw ApiError.invalid(
          "stream_options.include_usage",
          "stream_options.include_usage must be true or false, got "
              + RequestFields.abbreviated(include));
    }
    return stream && include != null && include.booleanValue();
  }

  private static double number(JsonNode body, String field, double absent, double min, double max) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
      throw ApiError.invalid(
          field,
          field
              + " must be a number from "
              + min
              + " to "
              + max
              + ", got "
              + RequestFields.abbreviated(value));
    }
    return value.asDouble();
  }

  private static boolean bool(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiError.invalid(
          field, field + " must be true or false, got " + RequestFields.abbreviated(value));
    }
    return value.asBoolean();
  }
}
