package dev.lathe.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An application's traffic while a rollout runs: one client asking the endpoint for the adapter,
 * request after request (bounded in number and rate), counting the answers by the digest that
 * answered ({@code system_fingerprint}) and the failures, so the story can say that stable kept
 * answering throughout.
 */
final class Traffic implements AutoCloseable {

  static final String PROMPT = "Copy: maple ember frost ->";

  /** A bound on what one rollout sends, so a stuck rollout cannot flood the node. */
  static final int MAX_REQUESTS = 5000;

  private static final Duration PACE = Duration.ofMillis(200);

  private final String endpoint;
  private final String model;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Map<String, Integer> answers = new LinkedHashMap<>();
  private final Thread thread;
  private int failures;
  private String firstFailure;
  private String lastDigest;
  private int streak;
  private Instant lastAnswer;

  private Traffic(String endpoint, String model) {
    this.endpoint = endpoint;
    this.model = model;
    this.thread = new Thread(this::run, "lathe-sandbox-traffic");
    this.thread.setDaemon(true);
  }

  /** Starts asking {@code endpoint} for {@code model} in the background. */
  static Traffic start(String endpoint, String model) {
    Traffic traffic = new Traffic(endpoint, model);
    traffic.thread.start();
    return traffic;
  }

  private void run() {
    for (int sent = 0; sent < MAX_REQUESTS && !stop.get(); sent++) {
      ask();
      try {
        Thread.sleep(PACE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void ask() {
    try {
      JsonNode answer = ServeStep.complete(endpoint, model, PROMPT);
      String digest = answer.path("system_fingerprint").asText("(none)");
      synchronized (this) {
        answers.merge(digest, 1, Integer::sum);
        streak = digest.equals(lastDigest) ? streak + 1 : 1;
        lastDigest = digest;
        lastAnswer = Instant.now();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      synchronized (this) {
        failures++;
        streak = 0;
        lastDigest = null;
        if (firstFailure == null) {
          firstFailure = e.getMessage();
        }
      }
    }
  }

  /** Answers so far by the digest that answered, in the order each digest first answered. */
  synchronized Map<String, Integer> answers() {
    return new LinkedHashMap<>(answers);
  }

  synchronized int answered() {
    return answers.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized int failures() {
    return failures;
  }

  synchronized Optional<String> firstFailure() {
    return Optional.ofNullable(firstFailure);
  }

  synchronized Optional<String> lastDigest() {
    return Optional.ofNullable(lastDigest);
  }

  /** How many of the latest answers in a row came from {@code digest}. */
  synchronized int streakOf(String digest) {
    return digest.equals(lastDigest) ? streak : 0;
  }

  synchronized Optional<Instant> lastAnswer() {
    return Optional.ofNullable(lastAnswer);
  }

  /** Stops asking and waits for the request in flight. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(Duration.ofSeconds(90).toMillis());
    thread.interrupt();
  }

  /**
   * "41 answered (v1 30, v2 11), 0 failed": {@code names} maps a digest to its ModelVersion's name.
   */
  String summary(Map<String, String> names) {
    Map<String, Integer> byDigest = answers();
    StringBuilder out = new StringBuilder();
    out.append(answered()).append(" answered (");
    String separator = "";
    for (Map.Entry<String, Integer> e : byDigest.entrySet()) {
      out.append(separator)
          .append(names.getOrDefault(e.getKey(), e.getKey()))
          .append(' ')
          .append(e.getValue());
      separator = ", ";
    }
    out.append("), ").append(failures()).append(" failed");
    firstFailure().ifPresent(f -> out.append("; first failure: ").append(f));
    return out.toString();
  }
}
