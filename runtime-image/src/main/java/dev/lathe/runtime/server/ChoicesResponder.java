package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.runtime.generation.BatchScheduler;
import dev.lathe.runtime.generation.FinishedGeneration;
import dev.lathe.runtime.generation.Generation;
import dev.lathe.runtime.generation.GenerationListener;
import dev.lathe.runtime.model.ServedAdapter;
import dev.lathe.runtime.model.ServedBase;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs a request's choices through the scheduler and answers in OpenAI's shape for completions or
 * chat completions: one JSON body, or server-sent events as tokens arrive (ending with [DONE]).
 * When the client goes away, its generations are cancelled.
 */
final class ChoicesResponder {

  enum Kind {
    COMPLETION("text_completion", "text_completion", "cmpl-"),
    CHAT("chat.completion", "chat.completion.chunk", "chatcmpl-");

    final String object;
    final String chunkObject;
    final String idPrefix;

    Kind(String object, String chunkObject, String idPrefix) {
      this.object = object;
      this.chunkObject = chunkObject;
      this.idPrefix = idPrefix;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_COMPLETION_TOKENS = 16;

  private final BatchScheduler scheduler;
  private final ServerMetrics metrics;

  /**
   * The response header naming the verified manifest digest of the model that answered, as
   * system_fingerprint does in the body, for clients that read no body (and for proxies' logs).
   */
  public static final String MODEL_DIGEST_HEADER = "Lathe-Model-Digest";

  ChoicesResponder(BatchScheduler scheduler, ServerMetrics metrics) {
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  void respond(
      RoutingContext ctx,
      Kind kind,
      RequestParameters parameters,
      List<int[]> prompts,
      ServedBase base,
      Optional<ServedAdapter> adapter,
      RequestRecord record) {
    int context = base.config().maxPositionEmbeddings();
    String promptParam = kind == Kind.CHAT ? "messages" : "prompt";
    int promptTokens = 0;
    List<Integer> budgets = new ArrayList<>();
    for (int[] prompt : prompts) {
      // PromptEncoder refused prompts of the context's length or more.
      promptTokens += prompt.length;
      int budget =
          parameters.maxTokens() != null
              ? parameters.maxTokens()
              : kind == Kind.COMPLETION
                  ? Math.min(DEFAULT_COMPLETION_TOKENS, context - prompt.length)
                  : context - prompt.length;
      if (prompt.length + budget > context) {
        throw ApiError.contextLength(
            parameters.maxTokensField(),
            "This model's maximum context length is "
                + context
                + " tokens. However, you requested "
                + (prompt.length + budget)
                + " tokens ("
                + prompt.length
                + " in the "
                + promptParam
                + ", "
                + budget
                + " for the completion). Please reduce the length.");
      }
      budgets.add(budget);
    }
    record.promptTokens(promptTokens);

    // The adapter is the model that answered when one was asked for: its digest, not the base's,
    // tells a client which signed artifact produced the text.
    String fingerprint =
        adapter.map(a -> a.verified().manifestDigest()).orElse(base.verified().manifestDigest());
    Exchange exchange =
        new Exchange(
            ctx,
            kind,
            parameters,
            prompts.size() * parameters.n(),
            promptTokens,
            record,
            fingerprint);
    Context vertxContext = Vertx.currentContext();
    List<Generation> generations = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      for (int c = 0; c < parameters.n(); c++) {
        int index = p * parameters.n() + c;
        generations.add(
            new Generation(
                prompts.get(p),
                parameters.sampling(budgets.get(p)).forChoice(c),
                adapter,
                base.tokenizer(),
                context,
                new OnContext(vertxContext, exchange, index)));
      }
    }
    switch (scheduler.submitAll(generations)) {
      case ACCEPTED -> exchange.start(generations);
      case QUEUE_FULL -> throw ApiError.overloaded();
      case NEVER_FITS -> throw neverFits(prompts.size(), parameters.n(), scheduler.capacity());
      case DRAINING -> throw ApiError.unavailable("the server is shutting down");
    }
  }

  /**
   * 400, not 429: a request with more choices (prompts × n) than the queue holds would be refused
   * on an idle server too, so retrying cannot help.
   */
  static ApiError neverFits(int prompts, int n, int capacity) {
    return ApiError.invalid(
        n > 1 ? "n" : "prompt",
        "This request asks for "
            + (long) prompts * n
            + " choices ("
            + prompts
            + " prompt(s) × n "
            + n
            + "); this server admits at most "
            + capacity
            + " choices per request. Lower n or send fewer prompts per request.");
  }

  /** Hands the decoding thread's events to the request's event loop. */
  private record OnContext(Context context, Exchange exchange, int index)
      implements GenerationListener {
    @Override
    public void onToken(String text) {
      context.runOnContext(v -> exchange.token(index, text));
    }

    @Override
    public void onFinish(FinishedGeneration result) {
      context.runOnContext(v -> exchange.finish(index, result));
    }

    @Override
    public void onError(String message) {
      context.runOnContext(v -> exchange.error(message));
    }
  }

  /** One request's state, touched only on its event loop. */
  private final class Exchange {
    private final RoutingContext ctx;
    private final Kind kind;
    private final RequestParameters parameters;
    private final FinishedGeneration[] results;
    private final boolean[] started;
    private final int promptTokens;
    private final RequestRecord record;
    private final String responseId;
    private final String fingerprint;
    private final long created = System.currentTimeMillis() / 1000;
    private int finished;
    private boolean over;
    private boolean firstToken = true;

    Exchange(
        RoutingContext ctx,
        Kind kind,
        RequestParameters parameters,
        int choices,
        int promptTokens,
        RequestRecord record,
        String fingerprint) {
      this.ctx = ctx;
      this.fingerprint = fingerprint;
      this.kind = kind;
      this.parameters = parameters;
      this.results = new FinishedGeneration[choices];
      this.started = new boolean[choices];
      this.promptTokens = promptTokens;
      this.record = record;
      this.responseId = kind.idPrefix + UUID.randomUUID().toString().replace("-", "");
    }

    void start(List<Generation> generations) {
      HttpServerResponse response = ctx.response();
      response.putHeader(MODEL_DIGEST_HEADER, fingerprint);
      response.closeHandler(
          v -> {
            if (!over) {
              generations.forEach(Generation::cancel);
              over = true;
              record.clientClosed();
            }
          });
      if (response.closed()) {
        // Gone while its prompt was being prepared: its close event has passed already.
        generations.forEach(Generation::cancel);
        over = true;
        record.clientClosed();
        return;
      }
      if (parameters.stream()) {
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Accel-Buffering", "no");
        response.setStatusCode(200);
        record.status(200);
      }
    }

    void token(int index, String text) {
      if (over) {
        return;
      }
      // A stream cut off by its client still reports what it was sent.
      record.completionTokens(record.completionTokens + 1);
      if (firstToken) {
        firstToken = false;
        metrics.firstToken(record);
      }
      if (!parameters.stream()) {
        return;
      }
      if (kind == Kind.CHAT && !started[index]) {
        started[index] = true;
        ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
        send(chunk(index, delta, null));
      }
      if (!text.isEmpty()) {
        send(
            chunk(
                index,
                kind == Kind.CHAT ? JSON.createObjectNode().put("content", text) : null,
                null,
                text));
      }
    }

    void finish(int index, FinishedGeneration result) {
      if (over) {
        return;
      }
      results[index] = result;
      finished++;
      if (parameters.stream()) {
        if (kind == Kind.CHAT && !started[index]) {
          started[index] = true;
          send(
              chunk(
                  index,
                  JSON.createObjectNode().put("role", "assistant").put("content", ""),
                  null));
        }
        send(
            chunk(
                index,
                kind == Kind.CHAT ? JSON.createObjectNode() : null,
                result.finishReason(),
                ""));
      }
      if (finished < results.length) {
        return;
      }
      over = true;
      int completionTokens = 0;
      for (FinishedGeneration r : results) {
        completionTokens += r.completionTokens();
      }
      record.completionTokens(completionTokens);
      if (parameters.stream()) {
        if (parameters.includeUsage()) {
          ObjectNode last = envelope(kind.chunkObject);
          last.putArray("choices");
          last.set("usage", usage(completionTokens));
          send(last);
        }
        ctx.response().end("data: [DONE]\n\n");
      } else {
        ObjectNode body = envelope(kind.object);
        ArrayNode choices = body.putArray("choices");
        for (int i = 0; i < results.length; i++) {
          ObjectNode choice = choices.addObject();
          choice.put("index", i);
          if (kind == Kind.CHAT) {
            choice.putObject("message").put("role", "assistant").put("content", results[i].text());
          } else {
            choice.put("text", results[i].text());
          }
          choice.putNull("logprobs");
          choice.put("finish_reason", results[i].finishReason());
        }
        body.set("usage", usage(completionTokens));
        record.status(200);
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
      }
      metrics.completed(record);
    }

    void error(String message) {
      if (over) {
        return;
      }
      over = true;
      ApiError error = ApiError.internal(message);
      if (parameters.stream()) {
        ctx.response().end("data: " + error.body() + "\n\ndata: [DONE]\n\n");
      } else {
        record.status(500);
        ctx.response()
            .setStatusCode(500)
            .putHeader("Content-Type", "application/json")
            .end(error.body());
      }
      metrics.completed(record);
    }

    private ObjectNode envelope(String object) {
      ObjectNode node = JSON.createObjectNode();
      node.put("id", responseId);
      node.put("object", object);
      node.put("created", created);
      node.put("model", parameters.model());
      node.put("system_fingerprint", fingerprint);
      return node;
    }

    private ObjectNode usage(int completionTokens) {
      ObjectNode usage = JSON.createObjectNode();
      usage.put("prompt_tokens", promptTokens);
      usage.put("completion_tokens", completionTokens);
      usage.put("total_tokens", promptTokens + completionTokens);
      return usage;
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
      return chunk(index, delta, finishReason, "");
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finishReason, String text) {
      ObjectNode chunk = envelope(kind.chunkObject);
      ObjectNode choice = chunk.putArray("choices").addObject();
      choice.put("index", index);
      if (kind == Kind.CHAT) {
        choice.set("delta", delta);
      } else {
        choice.put("text", text);
      }
      choice.putNull("logprobs");
      if (finishReason == null) {
        choice.putNull("finish_reason");
      } else {
        choice.put("finish_reason", finishReason);
      }
      if (parameters.includeUsage()) {
        chunk.putNull("usage");
      }
      return chunk;
    }

    private void send(ObjectNode chunk) {
      ctx.response().write("data: " + chunk + "\n\n");
    }
  }
}
