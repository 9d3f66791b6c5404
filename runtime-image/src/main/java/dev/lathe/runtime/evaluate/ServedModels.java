package dev.lathe.runtime.evaluate;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits until every pod answers {@code GET /v1/models/MODEL} for every model field to be scored. An
 * adapter rollout changes the adapter list of running pods, which each pod fetches, verifies and
 * loads within seconds of the others: scoring before every pod serves both pinned versions would
 * count a pod's "no such model" as the candidate's error.
 */
final class ServedModels {

  private static final Duration POLL = Duration.ofMillis(500);

  private ServedModels() {}

  /**
   * @throws IllegalStateException naming the pods and models still missing once {@code timeout} ran
   *     out
   */
  static void await(HttpClient client, List<String> pods, List<String> models, Duration timeout)
      throws InterruptedException {
    if (pods.isEmpty()) {
      return;
    }
    Instant until = Instant.now().plus(timeout);
    List<String> missing = missing(client, pods, models);
    while (!missing.isEmpty()) {
      if (!Instant.now().isBefore(until)) {
        throw new IllegalStateException(
            "not served within "
                + timeout.toSeconds()
                + "s: "
                + String.join(", ", missing)
                + " (the pod has not loaded that version, or refused it: see its /adapters)");
      }
      Thread.sleep(POLL.toMillis());
      missing = missing(client, pods, models);
    }
  }

  private static List<String> missing(HttpClient client, List<String> pods, List<String> models)
      throws InterruptedException {
    List<String> missing = new ArrayList<>();
    for (String pod : pods) {
      for (String model : models.stream().distinct().toList()) {
        if (!serves(client, pod, model)) {
          missing.add(model + " on pod " + pod);
        }
      }
    }
    return missing;
  }

  private static boolean serves(HttpClient client, String pod, String model)
      throws InterruptedException {
    URI uri =
        URI.create(
            "http://"
                + pod
                + "/v1/models/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20"));
    try {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }
}
