package dev.lathe.runtime.evaluate;

import dev.lathe.artifact.contract.GateReport;
import dev.lathe.runtime.evaluate.StreamingAsk.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Asks every item of both versions in one window: each item is one task that asks candidate and
 * stable back to back (which goes first alternates by item, so neither version always meets a
 * warmer cache or a quieter moment), tasks run {@code concurrency} at a time. Both versions thus
 * see the same items under the same load, which is what makes the per-item differences paired.
 */
final class PairedRun {

  /** One item's two outcomes. */
  record Pair(Outcome candidate, Outcome stable) {}

  /** What both versions gave over the whole set, summarised for the gate. */
  record Result(
      GateReport.Paired accuracy,
      GateReport.Paired exactMatch,
      GateReport.Paired errors,
      GateReport.Requests candidate,
      GateReport.Requests stable,
      List<String> firstErrors) {}

  private PairedRun() {}

  static Result run(
      List<EvaluationExample> examples,
      StreamingAsk candidate,
      StreamingAsk stable,
      int concurrency)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, concurrency));
    try {
      List<Future<Pair>> futures = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        EvaluationExample example = examples.get(i);
        boolean candidateFirst = i % 2 == 0;
        futures.add(
            pool.submit(
                () -> {
                  if (candidateFirst) {
                    Outcome c = candidate.ask(example);
                    return new Pair(c, stable.ask(example));
                  }
                  Outcome s = stable.ask(example);
                  return new Pair(candidate.ask(example), s);
                }));
      }
      List<Pair> pairs = new ArrayList<>();
      for (Future<Pair> future : futures) {
        try {
          pairs.add(future.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("an evaluation task failed", e.getCause());
        }
      }
      return summarise(examples, pairs);
    } finally {
      pool.shutdownNow();
    }
  }

  static Result summarise(List<EvaluationExample> examples, List<Pair> pairs) {
    Table accuracy = new Table();
    Table exact = new Table();
    Table errors = new Table();
    List<String> firstErrors = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair pair = pairs.get(i);
      String expected = examples.get(i).expected();
      accuracy.add(right(pair.candidate(), expected, true), right(pair.stable(), expected, true));
      exact.add(right(pair.candidate(), expected, false), right(pair.stable(), expected, false));
      errors.add(pair.candidate().failed(), pair.stable().failed());
      if (firstErrors.size() < 4 && pair.candidate().failed()) {
        firstErrors.add("item " + (i + 1) + " candidate: " + pair.candidate().error());
      }
      if (firstErrors.size() < 4 && pair.stable().failed()) {
        firstErrors.add("item " + (i + 1) + " stable: " + pair.stable().error());
      }
    }
    return new Result(
        accuracy.paired(),
        exact.paired(),
        errors.paired(),
        requests(pairs.stream().map(Pair::candidate).toList()),
        requests(pairs.stream().map(Pair::stable).toList()),
        firstErrors);
  }

  /** A failed request is a wrong answer: the item was asked and not answered right. */
  private static boolean right(Outcome outcome, String expected, boolean normalised) {
    if (outcome.failed()) {
      return false;
    }
    return normalised
        ? Scoring.accurate(outcome.answer(), expected)
        : Scoring.exactMatch(outcome.answer(), expected);
  }

  private static GateReport.Requests requests(List<Outcome> outcomes) {
    List<Double> latencies = new ArrayList<>();
    List<Double> ttfts = new ArrayList<>();
    int errors = 0;
    for (Outcome outcome : outcomes) {
      if (outcome.failed()) {
        errors++;
        continue;
      }
      latencies.add(outcome.millis());
      if (outcome.ttftMillis() != null) {
        ttfts.add(outcome.ttftMillis());
      }
    }
    return new GateReport.Requests(
        outcomes.size(),
        errors,
        Scoring.percentile(latencies, 0.50),
        Scoring.percentile(latencies, 0.95),
        Scoring.percentile(ttfts, 0.95));
  }

  private static final class Table {
    int both;
    int candidateOnly;
    int stableOnly;
    int neither;

    void add(boolean candidate, boolean stable) {
      if (candidate && stable) {
        both++;
      } else if (candidate) {
        candidateOnly++;
      } else if (stable) {
        stableOnly++;
      } else {
        neither++;
      }
    }

    GateReport.Paired paired() {
      return new GateReport.Paired(both, candidateOnly, stableOnly, neither);
    }
  }
}
