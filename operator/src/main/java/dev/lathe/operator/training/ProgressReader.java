package dev.lathe.operator.training;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.artifact.contract.ProgressReport;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.operator.storage.OperatorStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a running attempt's lathe/progress.json from the output storage, at most once per interval
 * per job however often the job is reconciled, and never for longer than a few seconds: a slow or
 * dead store must not hold a reconcile thread, it only leaves the last progress in place.
 */
public class ProgressReader {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressReader.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final OperatorStorage storage;
  private final Duration interval;
  private final Clock clock;
  private final Map<String, Instant> lastRead = new ConcurrentHashMap<>();
  private final ExecutorService reads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "lathe-progress-reader");
            thread.setDaemon(true);
            return thread;
          });

  public ProgressReader(OperatorStorage storage, Duration interval, Clock clock) {
    this.storage = storage;
    this.interval = interval;
    this.clock = clock;
  }

  public Duration interval() {
    return interval;
  }

  /** The latest progress, or empty when it is not time to read again or nothing could be read. */
  public Optional<TrainingProgress> read(String uid, String namespace, StorageLocation attempt) {
    Instant now = Instant.now(clock);
    Instant previous = lastRead.get(uid);
    if (previous != null && previous.plus(interval).isAfter(now.plusMillis(500))) {
      return Optional.empty();
    }
    lastRead.put(uid, now);
    Future<Optional<byte[]>> read =
        reads.submit(
            () -> {
              ArtifactStore store = storage.open(namespace, attempt);
              try {
                return store.read(ProgressReport.KEY);
              } finally {
                OperatorStorage.close(store);
              }
            });
    try {
      return read.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).map(ProgressReader::parse);
    } catch (Exception e) {
      read.cancel(true);
      LOG.debug("no progress for {} from {}: {}", uid, attempt.getUri(), e.toString());
      return Optional.empty();
    }
  }

  public void forget(String uid) {
    lastRead.remove(uid);
  }

  /**
   * @throws dev.lathe.artifact.contract.ContractViolation when the bytes are not progress JSON
   */
  static TrainingProgress parse(byte[] bytes) {
    ProgressReport report = ProgressReport.fromJson(bytes);
    TrainingProgress progress = new TrainingProgress();
    long step = report.step();
    long total = report.totalSteps();
    progress.setStep(step);
    progress.setTotalSteps(total);
    progress.setPercentComplete(total <= 0 ? 0 : (int) Math.min(100, step * 100 / total));
    report.epoch().map(ProgressReader::round).ifPresent(progress::setEpoch);
    report.loss().map(ProgressReader::round).ifPresent(progress::setLoss);
    report.evalLoss().map(ProgressReader::round).ifPresent(progress::setEvalLoss);
    report.tokensPerSecond().map(ProgressReader::round).ifPresent(progress::setTokensPerSecond);
    report.estimatedCompletionTime().ifPresent(progress::setEstimatedCompletionTime);
    report.updateTime().ifPresent(progress::setUpdateTime);
    return progress;
  }

  /** Four significant decimals: status is for people, and churn in the last digits is noise. */
  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
