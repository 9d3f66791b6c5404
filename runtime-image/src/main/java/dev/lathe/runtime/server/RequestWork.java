package dev.lathe.runtime.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool where work that grows with a request's size runs (JSON parsing, validation, chat
 * template rendering, tokenisation), so the event loop only moves bytes and /healthz answers
 * whatever a client sends. A bounded number of jobs may wait; past that, a request is refused with
 * 429 at once instead of queueing without bound.
 */
final class RequestWork implements AutoCloseable {

  private final WorkerExecutor executor;
  private final AtomicInteger pending = new AtomicInteger();
  private final int maxPending;

  RequestWork(Vertx vertx, int threads, int maxPending) {
    this.executor = vertx.createSharedWorkerExecutor("lathe-request-work", threads);
    this.maxPending = maxPending;
  }

  /** Runs the job on the pool; its result (or ApiError) completes on the caller's event loop. */
  <T> Future<T> submit(Callable<T> job) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return Future.failedFuture(ApiError.overloaded());
    }
    return executor.executeBlocking(
        () -> {
          try {
            return job.call();
          } finally {
            pending.decrementAndGet();
          }
        },
        false);
  }

  @Override
  public void close() {
    executor.close();
  }
}
