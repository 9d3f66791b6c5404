package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestWorkTest {

  @Test
  void pastItsBoundTheWorkerPoolRefusesWith429InsteadOfQueueing() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RequestWork work = new RequestWork(vertx, 1, 2)) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      Future<String> first =
          work.submit(
              () -> {
                running.countDown();
                release.await(30, TimeUnit.SECONDS);
                return "first";
              });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      Future<String> second = work.submit(() -> "second");
      Future<String> third = work.submit(() -> "third");
      assertThat(third.failed()).isTrue();
      assertThat(third.cause())
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(429));
      release.countDown();
      assertThat(first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo("first");
      assertThat(second.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo("second");
      // The places are free again once the jobs are done.
      assertThat(
              work.submit(() -> "again")
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("again");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
