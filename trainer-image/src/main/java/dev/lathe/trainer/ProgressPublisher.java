package dev.lathe.trainer;

import dev.lathe.artifact.contract.ProgressReport;
import dev.lathe.artifact.storage.ArtifactStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies progress.json to the attempt's prefix in storage, where the operator reads it, at most
 * once per interval. Pushes run on a thread of their own and a failed one is only logged: a slow or
 * unreachable store must neither stall nor end hours of GPU work, and the next push (or the final
 * one) repairs what a failed one missed.
 */
final class ProgressPublisher implements Trainer.ProgressListener, AutoCloseable {

  static final String KEY = ProgressReport.KEY;

  private final ArtifactStore store;
  private final Duration interval;
  private final Clock clock;
  private final PrintStream log;
  private final ExecutorService pusher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "lathe-progress-publisher");
            thread.setDaemon(true);
            return thread;
          });
  private Instant lastPush;
  private Future<?> inFlight;

  ProgressPublisher(ArtifactStore store, Duration interval, Clock clock, PrintStream log) {
    this.store = store;
    this.interval = interval;
    this.clock = clock;
    this.log = log;
  }

  @Override
  public void progressWritten(Path progressFile, int step, int totalSteps) {
    Instant now = clock.instant();
    if (lastPush != null && now.isBefore(lastPush.plus(interval))) {
      return;
    }
    // A push still in flight is not queued behind: the next step brings fresher numbers anyway.
    if (inFlight != null && !inFlight.isDone()) {
      return;
    }
    byte[] progress;
    try {
      progress = Files.readAllBytes(progressFile);
    } catch (IOException e) {
      log.println("trainer: cannot read " + progressFile + " to publish it: " + e.getMessage());
      return;
    }
    lastPush = now;
    inFlight = pusher.submit(() -> push(progress));
  }

  /** Publishes the final progress.json, after any push still in flight. */
  void finish(Path progressFile) {
    awaitInFlight();
    try {
      push(Files.readAllBytes(progressFile));
    } catch (IOException e) {
      log.println("trainer: cannot read " + progressFile + " to publish it: " + e.getMessage());
    }
  }

  private void push(byte[] progress) {
    try {
      store.write(KEY, progress);
    } catch (IOException | RuntimeException e) {
      log.println(
          "trainer: could not publish progress to "
              + store.uri(KEY)
              + " (training goes on): "
              + e.getMessage());
    }
  }

  private void awaitInFlight() {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // push() logs its own failures; nothing else can reach here.
    }
  }

  @Override
  public void close() {
    pusher.shutdownNow();
  }
}
