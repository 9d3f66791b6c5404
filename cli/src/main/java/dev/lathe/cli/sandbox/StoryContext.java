package dev.lathe.cli.sandbox;

import dev.lathe.cli.LatheRun;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Predicate;

/** What the story's steps share: the cluster it plays on, the narrator. */
final class StoryContext {

  static final String NAMESPACE = "demo";

  private final StoryTarget target;
  private final KubernetesClient client;
  private final Narrator narrator;
  private final Runnable liveness;

  StoryContext(StoryTarget target, Narrator narrator, Runnable liveness) {
    this.target = target;
    this.client = target.client();
    this.narrator = narrator;
    this.liveness = liveness;
  }

  KubernetesClient client() {
    return client;
  }

  StoryTarget target() {
    return target;
  }

  Narrator narrator() {
    return narrator;
  }

  /** Fails when the cluster or the operator has died (or waits out a stop in progress). */
  void liveness() {
    liveness.run();
  }

  /** kubectl apply --server-side, for manifests a user would write. */
  void apply(String yaml) {
    client
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .forceConflicts()
        .serverSideApply();
  }

  /**
   * Waits until the resource satisfies {@code done}, telling the user each new state {@code
   * describe} gives (a line only when it changes), and failing when it reaches {@code failed}.
   */
  <T extends CustomResource<?, ?>> T await(
      Class<T> type,
      String name,
      Predicate<T> done,
      Predicate<T> failed,
      Function<T, String> describe,
      Duration limit)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    String last = null;
    while (true) {
      liveness.run();
      T current = client.resources(type).inNamespace(NAMESPACE).withName(name).get();
      if (current != null) {
        String state = describe.apply(current);
        if (state != null && !state.equals(last)) {
          narrator.detail(state);
          last = state;
        }
        if (done.test(current)) {
          return current;
        }
        if (failed.test(current)) {
          throw new IllegalStateException(type.getSimpleName() + " " + name + " failed: " + state);
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            type.getSimpleName() + " " + name + " not done within " + limit + "; last: " + last);
      }
      Thread.sleep(500);
    }
  }

  /**
   * Runs a {@code lathe} command in this JVM, as a user would type it; fails on a non-zero exit.
   */
  String lathe(String... args) {
    LatheRun run = LatheRun.of(args);
    if (run.exitCode() != 0) {
      throw new IllegalStateException(
          "lathe "
              + String.join(" ", args)
              + " exited "
              + run.exitCode()
              + ": "
              + run.err().strip());
    }
    return run.out();
  }
}
