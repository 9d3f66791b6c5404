package dev.lathe.runtime.generation;

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
 * refuses at once: backpressure, not unbounded latency). Between decoding steps, the sequences
 * waiting (as many as the batch has room for) are prefilled together, left-padded, in one forward
 * pass per chunk; once their prompts are complete each samples its first token and their cache is
 * merged, left-padded, into the batch's. A prefill chunk holds at most {@link
 * #PREFILL_TOKENS_PER_STEP} (or the chosen bound) prompt positions over all its rows, and the
 * running sequences decode between two chunks, so a long prompt delays the running streams by at
 * most one chunk per token. Every step decodes one token for all running sequences in a single
 * forward pass, each row with its own adapter, position and sampling. A sequence leaves the batch
 * as soon as it ends or its client goes away, and padding no remaining row needs is dropped.
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

  /** Prompt positions (all rows together, padding included) one prefill chunk holds by default. */
  public static final int PREFILL_TOKENS_PER_STEP = 512;

  private final ServedBase base;
  private final int maxBatch;
  private final int prefillTokensPerStep;
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
  private PromptBatch prefilling;

  public BatchScheduler(ServedBase base, int maxBatch, int queueCapacity) {
    this(base, maxBatch, queueCapacity, PREFILL_TOKENS_PER_STEP);
  }

  /** With a chosen bound on the prompt positions one prefill chunk holds. */
  public BatchScheduler(
      ServedBase base, int maxBatch, int queueCapacity, int prefillTokensPerStep) {
    if (prefillTokensPerStep < 1) {
      throw new IllegalArgumentException("prefillTokensPerStep must be at least 1");
    }
    this.prefillTokensPerStep = prefillTokensPerStep;
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
        if (prefilling == null) {
          startPrefill(active.isEmpty() ? queue.poll(50, TimeUnit.MILLISECONDS) : null);
        }
        if (prefilling != null) {
          prefillChunk();
        }
        if (!active.isEmpty()) {
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
      if (prefilling != null) {
        prefilling.generations().forEach(g -> g.fail("the server is shutting down"));
        prefilling.close();
        prefilling = null;
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

  /**
   * Takes {@code first} (when not null) and whatever waits, up to the batch's free room, into one
   * prompt batch; cancelled ones finish at once, and empty prompts fail.
   */
  private void startPrefill(Generation first) {
    List<Generation> joining = new ArrayList<>();
    Generation next = first;
    while (true) {
      if (next == null) {
        if (active.size() + joining.size() >= maxBatch) {
          break;
        }
        next = queue.poll();
        if (next == null) {
          break;
        }
      }
      if (next.cancelled()) {
        next.finish("cancelled");
      } else if (next.prompt().length == 0) {
        // Nothing to continue from; as padding it would get another row's context.
        next.fail("the prompt has no tokens");
      } else {
        joining.add(next);
      }
      next = null;
    }
    if (!joining.isEmpty()) {
      prefilling = new PromptBatch(base, manager, joining);
      updateRunning();
    }
  }

  /**
   * Prefills one chunk of the waiting prompts; once they are complete, samples each one's first
   * token and merges those still going into the running batch.
   */
  private void prefillChunk() {
    PromptBatch batch = prefilling;
    try {
      if (!batch.prefillChunk(prefillTokensPerStep)) {
        return;
      }
      float[] logits = batch.lastLogits();
      int vocab = base.config().vocabSize();
      List<Generation> generations = batch.generations();
      List<Integer> going = new ArrayList<>();
      for (int r = 0; r < generations.size(); r++) {
        if (generations.get(r).accept(logits, r * vocab, vocab, base.endTokens())) {
          going.add(r);
        }
      }
      if (!going.isEmpty()) {
        join(batch, going);
      }
      batch.close();
      prefilling = null;
    } catch (RuntimeException e) {
      batch.generations().forEach(g -> g.fail("generation failed: " + e.getMessage()));
      batch.close();
      prefilling = null;
    }
    updateRunning();
  }

  /** Merges the prompt batch's rows {@code going} (its cache and padding) into the batch's. */
  private void join(PromptBatch batch, List<Integer> going) {
    int[] rows = going.stream().mapToInt(Integer::intValue).toArray();
    KvCache own = batch.cache();
    int[] ownPadding = batch.padding();
    if (rows.length < batch.rows()) {
      own.keepRows(rows);
    }
    if (cache == null) {
      cache = new KvCache(manager, base.config().numHiddenLayers());
    }
    int length = cache.length();
    int joining = own.length();
    if (!active.isEmpty() && joining > length) {
      padding.replaceAll(p -> p + joining - length);
    }
    int shift = active.isEmpty() ? 0 : Math.max(0, length - joining);
    for (int row : rows) {
      active.add(batch.generations().get(row));
      padding.add(ownPadding[row] + shift);
    }
    cache.appendRows(own);
  }

  private void updateRunning() {
    running.set(active.size() + (prefilling == null ? 0 : prefilling.rows()));
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
      cache.close();
      cache = null;
      updateRunning();
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
      updateRunning();
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
    int unneeded = remainingPadding.stream().mapToInt(Integer::intValue).min().orElse(0);
    cache.keepRows(rows, unneeded);
    active.clear();
    active.addAll(remaining);
    padding.clear();
    remainingPadding.forEach(p -> padding.add(p - unneeded));
    updateRunning();
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
              || (prefilling != null
                  && prefilling.generations().stream().anyMatch(g -> uses(g, adapter)))
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
