package dev.lathe.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.runtime.generation.BatchScheduler;
import dev.lathe.runtime.model.AdapterDirectory;
import dev.lathe.runtime.model.AdapterList;
import dev.lathe.runtime.model.AdapterRegistry;
import dev.lathe.runtime.model.ServedAdapter;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.verify.LocalModelVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The OpenAI-compatible HTTP server on Vert.x: /v1/models, /v1/completions, /v1/chat/completions
 * (with streaming), /healthz, /readyz and /metrics. It listens while the verified model loads
 * (answering 503 until it is ready), then serves the base and every adapter in the adapters
 * directory; shutdown stops taking work, lets running requests finish, then closes.
 */
public final class InferenceServer implements AutoCloseable {

  /** Where the server is in its life. */
  public enum State {
    LOADING,
    READY,
    DRAINING,
    FAILED
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The largest request body read; a larger one is refused with 413. */
  public static final long BODY_LIMIT = 8L << 20;

  /**
   * Threads parsing, validating and tokenising request bodies: at least two, so one slow body does
   * not hold every other request, and not more than the cores the decoder shares.
   */
  private static final int WORKER_THREADS =
      Math.max(2, Runtime.getRuntime().availableProcessors() / 2);

  private static final int WORK_WAITING_PER_THREAD = 32;

  private final ServerSettings settings;
  private final LocalModelVerifier verifier;
  private final PrintStream log;
  private final Vertx vertx = Vertx.vertx();
  private final ServerMetrics metrics = new ServerMetrics();
  private final AccessLog accessLog;
  private final AdapterRegistry adapters = new AdapterRegistry();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final long created = Instant.now().getEpochSecond();
  private volatile State state = State.LOADING;
  private volatile String failure;
  private volatile ServedBase base;
  private volatile BatchScheduler scheduler;
  private volatile AdapterDirectory adapterDirectory;
  private volatile ChoicesResponder responder;
  private volatile GenerationRequestReader reader;
  private final HttpRefusals refusals;
  private final RequestWork work =
      new RequestWork(vertx, WORKER_THREADS, WORKER_THREADS * WORK_WAITING_PER_THREAD);
  private HttpServer http;

  public InferenceServer(ServerSettings settings, LocalModelVerifier verifier, PrintStream log) {
    this.settings = settings;
    this.verifier = verifier;
    this.log = log;
    this.accessLog = new AccessLog(log);
    this.refusals = new HttpRefusals(accessLog, metrics, log, BODY_LIMIT);
    metrics.bind(() -> scheduler, adapters);
  }

  /** Binds the port and returns it; the model loads afterwards through {@link #load}. */
  public int listen() {
    Router router = Router.router(vertx);
    router.route().handler(this::record);
    router.route().failureHandler(refusals::failed);
    router
        .get("/healthz")
        .handler(ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ok")));
    router.get("/readyz").handler(this::readiness);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
    // Before the body is read: a body that is not JSON is refused unread. No file uploads: a
    // multipart body would otherwise be written to disk.
    router.post().handler(HttpRefusals::requireJson);
    router.post().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.get("/v1/models").handler(ctx -> guarded(ctx, this::listModels));
    router.get("/v1/models/:model").handler(ctx -> guarded(ctx, this::retrieveModel));
    router.post("/v1/completions").handler(ctx -> guarded(ctx, this::completions));
    router.post("/v1/chat/completions").handler(ctx -> guarded(ctx, this::chatCompletions));
    router.route().last().handler(HttpRefusals::unmatched);
    try {
      http =
          vertx
              // No h2c upgrade: a request asking for one is answered in HTTP/1.1, as the upgrade
              // allows. The JDK client and curl mishandle a large response sent right after the
              // 101 (a metrics scrape of 42 KB hung a test's JDK client); OpenAI clients, Traefik
              // and Prometheus speak HTTP/1.1 to a backend anyway.
              .createHttpServer(
                  new HttpServerOptions().setHost(settings.host()).setHttp2ClearTextEnabled(false))
              .invalidRequestHandler(refusals::invalidRequest)
              .requestHandler(router)
              // The host again: listen(port) alone binds 0.0.0.0 whatever the options say, and two
              // replicas on one host (the local node) must not claim the same port.
              .listen(settings.port(), settings.host())
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    }
    return http.actualPort();
  }

  /** Loads the base (verified already) and the adapters directory, then reports ready. */
  public void load(Supplier<ServedBase> loader) {
    try {
      ServedBase loaded = loader.get();
      BatchScheduler batches =
          new BatchScheduler(loaded, settings.maxBatch(), settings.queueCapacity());
      reader = new GenerationRequestReader(loaded, PromptEncoder.of(loaded), batches.capacity());
      base = loaded;
      scheduler = batches;
      responder = new ChoicesResponder(batches, metrics);
      if (settings.adaptersDirectory() != null) {
        AdapterDirectory directory =
            new AdapterDirectory(
                settings.adaptersDirectory(), verifier, loaded, adapters, batches::retire, log);
        directory.scan();
        adapterDirectory = directory;
        vertx.setPeriodic(
            settings.adapterScanInterval().toMillis(),
            id -> vertx.executeBlocking(directory::scan));
      }
      state = State.READY;
      log.println(
          "ready: serving "
              + loaded.name()
              + " ("
              + loaded.verified().manifestDigest()
              + ") and "
              + adapters.list().size()
              + " adapter(s)");
    } catch (RuntimeException e) {
      failure = e.getMessage();
      state = State.FAILED;
      throw e;
    }
  }

  public State state() {
    return state;
  }

  public AdapterRegistry adapters() {
    return adapters;
  }

  /**
   * Graceful shutdown: not ready any more, no new generations, running requests finish (up to the
   * drain timeout), then the port closes.
   */
  public void shutdown() {
    if (state == State.DRAINING) {
      return;
    }
    state = State.DRAINING;
    BatchScheduler batches = scheduler;
    if (batches != null) {
      batches.stopAccepting();
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    try {
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inFlight.get() > 0) {
      log.println("drain timeout: " + inFlight.get() + " request(s) still running are cut off");
    }
    close();
  }

  @Override
  public void close() {
    try {
      if (http != null) {
        http.close().toCompletionStage().toCompletableFuture().get();
      }
      work.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      log.println("closing the server: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (base != null) {
      for (ServedAdapter adapter : adapters.list()) {
        adapter.adapter().close();
      }
      base.close();
    }
  }

  private void record(RoutingContext ctx) {
    RequestRecord record = new RequestRecord(ctx.request().method().name(), ctx.request().path());
    ctx.put(RequestRecord.class.getName(), record);
    boolean generation = Endpoints.takesJsonBody(ctx.request().path());
    if (generation) {
      inFlight.incrementAndGet();
    }
    ctx.addEndHandler(
        done -> {
          if (generation) {
            inFlight.decrementAndGet();
          }
          if (!ctx.response().ended()) {
            // The connection closed before the response ended: the client left.
            record.clientClosed();
            metrics.completed(record);
          } else if (record.status == 0) {
            record.status(ctx.response().getStatusCode());
          }
          accessLog.log(record);
          metrics.request(record);
        });
    ctx.next();
  }

  private void readiness(RoutingContext ctx) {
    ObjectNode body = JSON.createObjectNode().put("status", state.name().toLowerCase());
    if (state == State.FAILED) {
      body.put("error", failure);
    }
    json(ctx, state == State.READY ? 200 : 503, body);
  }

  /** A handler that may refuse with an {@link ApiError}. */
  @FunctionalInterface
  private interface ApiHandler {
    void handle(RoutingContext ctx);
  }

  private void guarded(RoutingContext ctx, ApiHandler handler) {
    try {
      switch (state) {
        case LOADING -> throw ApiError.unavailable("the model is loading; retry shortly");
        case DRAINING -> throw ApiError.unavailable("the server is shutting down");
        case FAILED -> throw ApiError.unavailable("the model failed to load: " + failure);
        case READY -> handler.handle(ctx);
      }
    } catch (ApiError e) {
      HttpRefusals.send(ctx, e);
    } catch (RuntimeException e) {
      HttpRefusals.send(
          ctx, ApiError.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private void listModels(RoutingContext ctx) {
    Future<Integer> scanned =
        adapterDirectory == null
            ? Future.succeededFuture(0)
            : vertx.executeBlocking(adapterDirectory::scan);
    scanned.onComplete(
        done -> {
          ObjectNode body = JSON.createObjectNode().put("object", "list");
          ArrayNode data = body.putArray("data");
          data.add(modelCard(base.name(), null));
          for (ServedAdapter adapter : adapters.selectable()) {
            data.add(modelCard(adapter.name(), base.name()));
          }
          json(ctx, 200, body);
        });
  }

  private void retrieveModel(RoutingContext ctx) {
    String name = ctx.pathParam("model");
    resolve(name)
        .onSuccess(
            adapter -> json(ctx, 200, modelCard(name, adapter.isPresent() ? base.name() : null)))
        .onFailure(e -> HttpRefusals.send(ctx, asApiError(e)));
  }

  private ObjectNode modelCard(String id, String parent) {
    ObjectNode card = JSON.createObjectNode();
    card.put("id", id);
    card.put("object", "model");
    card.put("created", created);
    card.put("owned_by", "lathe");
    card.put("root", parent == null ? id : parent);
    if (parent == null) {
      card.putNull("parent");
    } else {
      card.put("parent", parent);
    }
    return card;
  }

  private void completions(RoutingContext ctx) {
    Buffer body = bodyOf(ctx);
    GenerationRequestReader requests = reader;
    prepareThenGenerate(ctx, ChoicesResponder.Kind.COMPLETION, () -> requests.completion(body));
  }

  private void chatCompletions(RoutingContext ctx) {
    Buffer body = bodyOf(ctx);
    GenerationRequestReader requests = reader;
    prepareThenGenerate(ctx, ChoicesResponder.Kind.CHAT, () -> requests.chat(body));
  }

  /**
   * Parsing and tokenising grow with the body, so they run on the worker pool; the event loop picks
   * the result up and starts the generations.
   */
  private void prepareThenGenerate(
      RoutingContext ctx,
      ChoicesResponder.Kind kind,
      Callable<GenerationRequestReader.Prepared> preparation) {
    work.submit(preparation)
        .onSuccess(
            prepared -> {
              if (ctx.response().closed()) {
                return;
              }
              generate(ctx, kind, prepared.parameters(), prepared.prompts());
            })
        .onFailure(e -> HttpRefusals.send(ctx, asApiError(e)));
  }

  private void generate(
      RoutingContext ctx,
      ChoicesResponder.Kind kind,
      RequestParameters parameters,
      List<int[]> prompts) {
    RequestRecord record = RequestRecord.of(ctx);
    resolve(parameters.model())
        .onSuccess(
            adapter -> {
              record.model = parameters.model();
              try {
                responder.respond(ctx, kind, parameters, prompts, base, adapter, record);
              } catch (ApiError e) {
                HttpRefusals.send(ctx, e);
              } catch (RuntimeException e) {
                HttpRefusals.send(ctx, ApiError.internal(e.getMessage()));
              }
            })
        .onFailure(e -> HttpRefusals.send(ctx, asApiError(e)));
  }

  /**
   * The adapter a model name selects (empty: the base). An unknown name triggers a look at the
   * adapters directory first, so an adapter copied there is served without waiting for the scan.
   */
  private Future<Optional<ServedAdapter>> resolve(String name) {
    if (name.equals(base.name())) {
      return Future.succeededFuture(Optional.empty());
    }
    int separator = name.lastIndexOf(AdapterList.VERSION_SEPARATOR);
    if (separator >= 0) {
      return pinned(name, name.substring(0, separator), name.substring(separator + 1));
    }
    Optional<ServedAdapter> adapter = adapters.route(name);
    if (adapter.isPresent()) {
      return Future.succeededFuture(adapter);
    }
    if (adapterDirectory == null) {
      return Future.failedFuture(ApiError.unknownModel(name));
    }
    return vertx
        .executeBlocking(adapterDirectory::scan)
        .compose(
            n ->
                adapters
                    .find(name)
                    .map(a -> Future.succeededFuture(Optional.of(a)))
                    .orElseGet(() -> Future.failedFuture(ApiError.unknownModel(name))));
  }

  /**
   * {@code NAME@sha256:…}: exactly the version of NAME (the base, the stable adapter or its canary)
   * with that manifest digest, bypassing any split; anything else after '@' names no model.
   */
  private Future<Optional<ServedAdapter>> pinned(String asked, String name, String digest) {
    if (name.equals(base.name()) && digest.equals(base.verified().manifestDigest())) {
      return Future.succeededFuture(Optional.empty());
    }
    return adapters
        .pinned(name, digest)
        .map(a -> Future.succeededFuture(Optional.of(a)))
        .orElseGet(() -> Future.failedFuture(ApiError.unknownModel(asked)));
  }

  private static ApiError asApiError(Throwable e) {
    return e instanceof ApiError api ? api : ApiError.internal(e.getMessage());
  }

  private static Buffer bodyOf(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw ApiError.invalid(null, "the request body must be a JSON object");
    }
    return ctx.body().buffer();
  }

  private static void json(RoutingContext ctx, int status, JsonNode body) {
    RequestRecord.of(ctx).status(status);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }
}
