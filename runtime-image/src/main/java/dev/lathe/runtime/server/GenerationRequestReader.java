package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.runtime.model.ServedBase;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * Reads a completion or chat completion body into its parameters and token ids, refusing it with
 * the field at fault: fields first (the one list), then parameters, then whether its choices could
 * ever fit, and only then the prompts, the costly part. Its work grows with the body, so it runs on
 * the request worker pool, never on the event loop.
 */
final class GenerationRequestReader {

  /** A request ready to run: its parameters and one token-id array per prompt. */
  record Prepared(RequestParameters parameters, List<int[]> prompts) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServedBase base;
  private final PromptEncoder encoder;
  private final int capacity;

  /**
   * @param capacity the most choices (prompts × n) one request may have
   */
  GenerationRequestReader(ServedBase base, PromptEncoder encoder, int capacity) {
    this.base = base;
    this.encoder = encoder;
    this.capacity = capacity;
  }

  Prepared completion(Buffer body) {
    JsonNode json = parse(body);
    RequestFields.check(json, RequestFields.Endpoint.COMPLETIONS);
    RequestParameters parameters = RequestParameters.read(json, "max_tokens");
    requireFit(Prompts.completionCount(json), parameters.n());
    return new Prepared(parameters, Prompts.completion(json, encoder));
  }

  Prepared chat(Buffer body) {
    JsonNode json = parse(body);
    RequestFields.check(json, RequestFields.Endpoint.CHAT);
    RequestParameters parameters =
        RequestParameters.read(json, "max_completion_tokens", "max_tokens");
    requireFit(1, parameters.n());
    return new Prepared(
        parameters, List.of(Prompts.chat(json, base.chatTemplate(), base.name(), encoder)));
  }

  private void requireFit(int prompts, int n) {
    if ((long) prompts * n > capacity) {
      throw ChoicesResponder.neverFits(prompts, n, capacity);
    }
  }

  private static JsonNode parse(Buffer body) {
    try {
      JsonNode node = JSON.readTree(body.getBytes());
      if (node == null || !node.isObject()) {
        throw ApiError.invalid(null, "the request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw ApiError.invalid(
          null,
          "the request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
