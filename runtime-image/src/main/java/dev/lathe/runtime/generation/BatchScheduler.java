package dev.lathe.runtime.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.KvCache;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.runtime.model.ServedAdapter;
import dev.lathe.runtime.model.ServedBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Continuous batching on one decoding thread. Requests wait in a bounded queue (a full queue
 * refuses at once: backpressure, not unbounded latency). Between decoding steps, waiting sequences
 * join the running batch: each prompt is run alone through the model (prefill), then its KV cache
 * is merged, left-padded, into the batch's. Every step then decodes one token for all running
 * sequences in a single forward pass, each row with its own adapter, position and sampling. A
 * sequence leaves the batch as soon as it ends or its client goes away, and padding no remaining
 * row needs is dropped.
 */
public final class BatchScheduler implements AutoCloseable {

  /** What {@link #submit} or {@link #submitAll} did with generations. */
  public enum Admission {
    ACCEPTED,
    QUEUE_FULL,
    /** More generations than the queue holds even when empty: retrying cannot help. */
    NEVER_FITS,
    DRAINING
  }

  private final ServedBase base;
  private final int maxBatch;
  private final BlockingQueue<Generation> queue;
  private final int queueCapacity;
  private final Object admission = new Object();
  private final ConcurrentLinkedQueue<ServedAdapter> retired = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final NDManager manager;
  private final Thread thread;
  private volatile boolean accepting = true;
  private volatile boolean stopped;

  // Owned by the decoding thread.
  private final List<Generation> active = new ArrayList<>();
  private final List<Integer> padding = new ArrayList<>();
  private KvCache cache;

  public BatchScheduler(ServedBase base, int maxBatch, int queueCapacity) {
    this.base = base;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.queueCapacity = queueCapacity;
    this.manager = base.manager().newSubManager();
    this.thread = new Thread(this::loop, "lathe-decoder");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public Admission submit(Generation generation) {
    return submitAll(List.of(generation));
  }

  /**
   * Admits one request's generations all or none: if the queue lacks room for every one of them,
   * none is queued, so a request that cannot run never holds places that others could use.
   */
  public Admission submitAll(List<Generation> generations) {
    if (!accepting) {
      return Admission.DRAINING;
    }
    if (generations.size() > queueCapacity) {
      return Admission.NEVER_FITS;
    }
    // Only producers take the lock: the decoding thread's polls can only add room meanwhile.
    synchronized (admission) {
      if (queue.remainingCapacity() < generations.size()) {
        return Admission.QUEUE_FULL;
      }
      for (Generation generation : generations) {
        queue.add(generation);
      }
    }
    return Admission.ACCEPTED;
  }

  /** The most generations one request may have: more are refused whatever the load. */
  public int capacity() {
    return queueCapacity;
  }

  /** Requests waiting for a place in the batch. */
  public int queueDepth() {
    return queue.size();
  }

  /** Sequences in the running batch. */
  public int batchSize() {
    return running.get();
  }

  /** An adapter that was removed: closed once no running or waiting sequence uses it. */
  public void retire(ServedAdapter adapter) {
    retired.add(adapter);
  }

  /** Refuses new work from now on; what was accepted still runs to its end. */
  public void stopAccepting() {
    accepting = false;
  }

  /** Waits until nothing runs or waits, or the timeout passes; true when idle. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (queue.isEmpty() && running.get() == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return queue.isEmpty() && running.get() == 0;
  }

  @Override
  public void close() {
    accepting = false;
    stopped = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try {
      while (!stopped) {
        admitWaiting();
        if (active.isEmpty()) {
          Generation next = queue.poll(50, TimeUnit.MILLISECONDS);
          if (next != null) {
            admit(next);
          }
        } else {
          step();
        }
        closeRetiredAdapters();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Generation generation : active) {
        generation.fail("the server is shutting down");
      }
      Generation waiting;
      while ((waiting = queue.poll()) != null) {
        waiting.fail("the server is shutting down");
      }
      active.clear();
      running.set(0);
      if (cache != null) {
        cache.close();
      }
      manager.close();
    }
  }

  private void admitWaiting() {
    while (active.size() < maxBatch) {
      Generation next = queue.poll();
      if (next == null) {
        return;
      }
      admit(next);
    }
  }

  /** Runs the prompt alone, samples its first token, and merges its cache into the batch's. */
  private void admit(Generation generation) {
    if (generation.cancelled()) {
      generation.finish("cancelled");
      return;
    }
    int[] prompt = generation.prompt();
    KvCache own = new KvCache(manager, base.config().numHiddenLayers());
    try {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        LlamaModel model =
            new LlamaModel(
                base.weights(),
                new BatchProjections(base.weights(), new LoraAdapter[] {adapterOf(generation)}));
        long[] ids = new long[prompt.length];
        for (int i = 0; i < prompt.length; i++) {
          ids[i] = prompt[i];
        }
        NDArray logits =
            model.forward(manager.create(ids, new Shape(1, ids.length)), own, null, false);
        float[] last = logits.get(":, -1, :").toFloatArray();
        if (!generation.accept(last, 0, base.config().vocabSize(), base.endTokens())) {
          return;
        }
        join(generation, own);
      }
    } catch (RuntimeException e) {
      generation.fail("generation failed: " + e.getMessage());
    } finally {
      own.close();
    }
  }

  private void join(Generation generation, KvCache own) {
    if (cache == null) {
      cache = new KvCache(manager, base.config().numHiddenLayers());
    }
    int length = cache.length();
    int joining = own.length();
    if (active.isEmpty()) {
      padding.add(0);
    } else if (joining > length) {
      padding.replaceAll(p -> p + joining - length);
      padding.add(0);
    } else {
      padding.add(length - joining);
    }
    cache.appendRows(own);
    active.add(generation);
    running.set(active.size());
  }

  /** One token for every running sequence, in one forward pass. */
  private void step() {
    int rows = active.size();
    long[] next = new long[rows];
    int[] pads = new int[rows];
    LoraAdapter[] adapters = new LoraAdapter[rows];
    for (int r = 0; r < rows; r++) {
      Generation generation = active.get(r);
      next[r] = generation.lastToken();
      pads[r] = padding.get(r);
      adapters[r] = adapterOf(generation);
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      LlamaModel model =
          new LlamaModel(base.weights(), new BatchProjections(base.weights(), adapters));
      float[] logits =
          model
              .forward(manager.create(next, new Shape(rows, 1)), cache, pads, false)
              .toFloatArray();
      int vocab = base.config().vocabSize();
      for (int r = 0; r < rows; r++) {
        Generation generation = active.get(r);
        if (generation.cancelled()) {
          generation.finish("cancelled");
        } else {
          generation.accept(logits, r * vocab, vocab, base.endTokens());
        }
      }
      removeFinished();
    } catch (RuntimeException e) {
      for (Generation generation : active) {
        generation.fail("generation failed: " + e.getMessage());
      }
      active.clear();
      padding.clear();
      running.set(0);
      cache.close();
      cache = null;
    }
  }

  private void removeFinished() {
    List<Integer> keep = new ArrayList<>();
    for (int r = 0; r < active.size(); r++) {
      if (!active.get(r).done()) {
        keep.add(r);
      }
    }
    if (keep.size() == active.size()) {
      return;
    }
    if (keep.isEmpty()) {
      active.clear();
      padding.clear();
      cache.close();
      cache = null;
      running.set(0);
      return;
    }
    List<Generation> remaining = new ArrayList<>();
    List<Integer> remainingPadding = new ArrayList<>();
    int[] rows = new int[keep.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = keep.get(i);
      remaining.add(active.get(rows[i]));
      remainingPadding.add(padding.get(rows[i]));
    }
    cache.keepRows(rows);
    int unneeded = remainingPadding.stream().mapToInt(Integer::intValue).min().orElse(0);
    cache.dropLeading(unneeded);
    active.clear();
    active.addAll(remaining);
    padding.clear();
    remainingPadding.forEach(p -> padding.add(p - unneeded));
    running.set(active.size());
  }

  private static LoraAdapter adapterOf(Generation generation) {
    return generation.adapter().map(ServedAdapter::adapter).orElse(null);
  }

  private void closeRetiredAdapters() {
    Iterator<ServedAdapter> it = retired.iterator();
    while (it.hasNext()) {
      ServedAdapter adapter = it.next();
      boolean inUse =
          active.stream().anyMatch(g -> uses(g, adapter))
              || queue.stream().anyMatch(g -> uses(g, adapter));
      if (!inUse) {
        adapter.adapter().close();
        it.remove();
      }
    }
  }

  private static boolean uses(Generation generation, ServedAdapter adapter) {
    return generation.adapter().map(a -> a.adapter() == adapter.adapter()).orElse(false);
  }
}
