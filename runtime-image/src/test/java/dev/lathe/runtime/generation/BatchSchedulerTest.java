package dev.lathe.runtime.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.generation.GreedyDecoder;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.runtime.model.ServedBase;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching on the tiny base model, against the engine's own greedy decoding. */
class BatchSchedulerTest {

  static ServedBase base;

  @BeforeAll
  static void load() {
    Path dir = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    // Scheduling is under test here, not verification (the ITs verify what they serve).
    base =
        ServedBase.load(
            "tiny", new VerifiedModel(dir, "sha256:unverified", "none", "tiny", Optional.empty()));
  }

  @AfterAll
  static void close() {
    base.close();
  }

  /** Collects one generation's events. */
  static final class Collector implements GenerationListener {
    final CompletableFuture<FinishedGeneration> done = new CompletableFuture<>();
    final CountDownLatch firstToken = new CountDownLatch(1);
    final StringBuilder streamed = new StringBuilder();
    final java.util.concurrent.atomic.AtomicInteger pieces =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public synchronized void onToken(String text) {
      streamed.append(text);
      pieces.incrementAndGet();
      firstToken.countDown();
    }

    @Override
    public void onFinish(FinishedGeneration result) {
      done.complete(result);
    }

    @Override
    public void onError(String message) {
      done.completeExceptionally(new IllegalStateException(message));
    }
  }

  private static Generation generation(String prompt, SamplingParameters parameters, Collector c) {
    return new Generation(
        base.tokenizer().encode(prompt),
        parameters,
        Optional.empty(),
        base.tokenizer(),
        base.config().maxPositionEmbeddings(),
        c);
  }

  private static String alone(String prompt, int maxTokens) {
    return base.tokenizer()
        .decode(
            GreedyDecoder.generate(
                new LlamaModel(base.weights()),
                base.tokenizer().encode(prompt),
                maxTokens,
                List.copyOf(base.endTokens())));
  }

  @Test
  void sequencesJoiningTheBatchAtDifferentTimesGetWhatEachGetsAlone() throws Exception {
    List<String> prompts =
        List.of(
            "Question: What is six plus two? Answer:",
            "The book of Olga is",
            "Question: Can Hugo move the map? Answer:",
            "Karin travels from Turin to");
    try (BatchScheduler scheduler = new BatchScheduler(base, 8, 16)) {
      List<Collector> collectors = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        Collector collector = new Collector();
        collectors.add(collector);
        assertThat(
                scheduler.submit(
                    generation(prompts.get(i), SamplingParameters.greedy(24), collector)))
            .isEqualTo(BatchScheduler.Admission.ACCEPTED);
        // The next one joins while this one is decoding, with a cache of another length.
        collector.firstToken.await(10, TimeUnit.SECONDS);
      }
      for (int i = 0; i < prompts.size(); i++) {
        FinishedGeneration result = collectors.get(i).done.get(30, TimeUnit.SECONDS);
        assertThat(result.text()).as(prompts.get(i)).isEqualTo(alone(prompts.get(i), 24));
        assertThat(collectors.get(i).streamed.toString()).isEqualTo(result.text());
      }
    }
  }

  @Test
  void aFullQueueRefusesAtOnceInsteadOfQueueingWithoutBound() throws Exception {
    SamplingParameters endless =
        new SamplingParameters(200, 0, 1, OptionalLong.empty(), List.of(), true);
    try (BatchScheduler scheduler = new BatchScheduler(base, 1, 1)) {
      Collector running = new Collector();
      scheduler.submit(generation("Question:", endless, running));
      running.firstToken.await(10, TimeUnit.SECONDS);
      Collector waiting = new Collector();
      Generation queued = generation("Question:", endless, waiting);
      assertThat(scheduler.submit(queued)).isEqualTo(BatchScheduler.Admission.ACCEPTED);
      assertThat(scheduler.submit(generation("Question:", endless, new Collector())))
          .isEqualTo(BatchScheduler.Admission.QUEUE_FULL);
      queued.cancel();
      assertThat(waiting.done.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo("cancelled");
    }
  }

  @Test
  void choicesOfOneRequestAreAdmittedAllOrNone() throws Exception {
    SamplingParameters endless =
        new SamplingParameters(200, 0, 1, OptionalLong.empty(), List.of(), true);
    try (BatchScheduler scheduler = new BatchScheduler(base, 1, 3)) {
      Collector running = new Collector();
      scheduler.submit(generation("Question:", endless, running));
      running.firstToken.await(10, TimeUnit.SECONDS);
      Generation waiting = generation("Question:", endless, new Collector());
      assertThat(scheduler.submit(waiting)).isEqualTo(BatchScheduler.Admission.ACCEPTED);
      // Two places left: three choices of one request take none of them.
      List<Generation> three = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        three.add(generation("Question:", endless, new Collector()));
      }
      assertThat(scheduler.submitAll(three)).isEqualTo(BatchScheduler.Admission.QUEUE_FULL);
      assertThat(scheduler.queueDepth()).isEqualTo(1);
      List<Generation> two = List.of(three.get(0), three.get(1));
      assertThat(scheduler.submitAll(two)).isEqualTo(BatchScheduler.Admission.ACCEPTED);
      assertThat(scheduler.queueDepth()).isEqualTo(3);
      // More than the queue holds when empty can never be admitted: not a matter of retrying.
      List<Generation> four = new ArrayList<>(three);
      four.add(generation("Question:", endless, new Collector()));
      assertThat(scheduler.submitAll(four)).isEqualTo(BatchScheduler.Admission.NEVER_FITS);
      assertThat(scheduler.capacity()).isEqualTo(3);
      waiting.cancel();
      two.forEach(Generation::cancel);
    }
  }

  @Test
  void aSequenceWhoseClientLeftStopsWhileTheOthersRunOn() throws Exception {
    SamplingParameters long_ =
        new SamplingParameters(120, 0, 1, OptionalLong.empty(), List.of(), true);
    try (BatchScheduler scheduler = new BatchScheduler(base, 4, 4)) {
      Collector leaving = new Collector();
      Collector staying = new Collector();
      Generation left = generation("The book of", long_, leaving);
      scheduler.submit(left);
      scheduler.submit(generation("Question:", long_, staying));
      leaving.firstToken.await(10, TimeUnit.SECONDS);
      left.cancel();
      FinishedGeneration cancelled = leaving.done.get(30, TimeUnit.SECONDS);
      assertThat(cancelled.finishReason()).isEqualTo("cancelled");
      assertThat(cancelled.completionTokens()).isLessThan(120);
      FinishedGeneration finished = staying.done.get(60, TimeUnit.SECONDS);
      assertThat(finished.finishReason()).isEqualTo("length");
      assertThat(finished.completionTokens()).isEqualTo(120);
    }
  }

  @Test
  void seededSamplingRepeatsAndDiffersFromAnotherSeed() throws Exception {
    try (BatchScheduler scheduler = new BatchScheduler(base, 4, 8)) {
      List<String> texts = new ArrayList<>();
      for (long seed : new long[] {5, 5, 6}) {
        Collector collector = new Collector();
        scheduler.submit(
            generation(
                "The",
                new SamplingParameters(30, 1.2, 0.95, OptionalLong.of(seed), List.of(), true),
                collector));
        texts.add(collector.done.get(30, TimeUnit.SECONDS).text());
      }
      assertThat(texts.get(0)).isEqualTo(texts.get(1)).isNotEqualTo(texts.get(2));
    }
  }

  @Test
  void promptsArrivingTogetherArePrefilledInChunksOfOneBatchAndEachGetsWhatItGetsAlone()
      throws Exception {
    List<String> prompts =
        List.of(
            "Question: What is six plus two? Answer:",
            "The book of Olga is",
            "Karin travels from Turin to",
            "Question: Can Hugo move the map? Answer:");
    // Three prompt positions per chunk: every prompt is prefilled over several chunks.
    try (BatchScheduler scheduler = new BatchScheduler(base, 8, 16, 3)) {
      List<Collector> collectors = new ArrayList<>();
      for (String prompt : prompts) {
        Collector collector = new Collector();
        collectors.add(collector);
        scheduler.submit(generation(prompt, SamplingParameters.greedy(16), collector));
      }
      for (int i = 0; i < prompts.size(); i++) {
        FinishedGeneration result = collectors.get(i).done.get(60, TimeUnit.SECONDS);
        assertThat(result.text()).as(prompts.get(i)).isEqualTo(alone(prompts.get(i), 16));
      }
    }
  }

  @Test
  void aRunningStreamKeepsDecodingWhileALongPromptIsPrefilledChunkByChunk() throws Exception {
    SamplingParameters endless =
        new SamplingParameters(110, 0, 1, OptionalLong.empty(), List.of(), true);
    String longPrompt = "Question: What is six plus two? Answer: eight. ".repeat(3) + "Question:";
    int promptTokens = base.tokenizer().encode(longPrompt).length;
    try (BatchScheduler scheduler = new BatchScheduler(base, 4, 4, 2)) {
      Collector running = new Collector();
      scheduler.submit(generation("The book of", endless, running));
      running.firstToken.await(10, TimeUnit.SECONDS);
      Collector joining = new Collector();
      int before = running.pieces.get();
      scheduler.submit(generation(longPrompt, SamplingParameters.greedy(4), joining));
      joining.firstToken.await(30, TimeUnit.SECONDS);
      int during = running.pieces.get() - before;

      // Two positions per chunk, one decoding step after each: the running stream waited for
      // one chunk at a time, never for the whole prompt.
      assertThat(during).isGreaterThanOrEqualTo(promptTokens / 2 - 2);
      assertThat(joining.done.get(30, TimeUnit.SECONDS).text()).isEqualTo(alone(longPrompt, 4));
      assertThat(running.done.get(60, TimeUnit.SECONDS).completionTokens()).isEqualTo(110);
    }
  }

  @Test
  void anEmptyPromptFailsSayingSoWhileAPromptArrivingWithItRunsOn() throws Exception {
    try (BatchScheduler scheduler = new BatchScheduler(base, 4, 4)) {
      Collector empty = new Collector();
      Collector other = new Collector();
      scheduler.submit(
          new Generation(
              new int[0],
              SamplingParameters.greedy(4),
              Optional.empty(),
              base.tokenizer(),
              base.config().maxPositionEmbeddings(),
              empty));
      scheduler.submit(generation("The book of", SamplingParameters.greedy(4), other));

      assertThatThrownBy(() -> empty.done.get(30, TimeUnit.SECONDS))
          .hasMessageContaining("the prompt has no tokens");
      assertThat(other.done.get(30, TimeUnit.SECONDS).text()).isEqualTo(alone("The book of", 4));
    }
  }
}
