package dev.lathe.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application asking the whole time a test changes what serves it: one request every 100 ms,
 * each answer counted by the {@code system_fingerprint} (the digest of the version that answered),
 * each failure kept with its status and body. Bounded: it stops by itself after ten minutes even if
 * it is never closed.
 */
final class CountingClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOUND = Duration.ofMinutes(10);

  final AtomicInteger answered = new AtomicInteger();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final Map<String, Integer> fingerprints = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /** Starts asking with {@code request}, named {@code name} in thread dumps. */
  CountingClient(String name, Callable<HttpResponse<String>> request) {
    thread =
        new Thread(
            () -> {
              Instant until = Instant.now().plus(BOUND);
              while (running.get() && Instant.now().isBefore(until)) {
                try {
                  HttpResponse<String> r = request.call();
                  if (r.statusCode() == 200) {
                    answered.incrementAndGet();
                    fingerprints.merge(
                        JSON.readTree(r.body()).get("system_fingerprint").asText(),
                        1,
                        Integer::sum);
                  } else {
                    failures.add(r.statusCode() + " " + r.body());
                  }
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  failures.add(e.toString());
                }
              }
            },
            name);
    thread.start();
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
