package dev.lathe.operator.quota;

import dev.lathe.api.v1alpha1.FineTuneJob;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Lathe's own admission for jobs without a Kueue queue: a job starts when its GPUs fit the
 * namespace's free quota after every older waiting job of the namespace has been served (first in,
 * first out — a small job does not overtake a big one that arrived first, or big jobs would
 * starve).
 */
public final class QuotaAdmission {

  /** The verdict: admitted, or queued with the message the Queued condition shows. */
  public record Verdict(boolean admitted, String message) {}

  private QuotaAdmission() {}

  /**
   * @param job the job asking
   * @param waiting the namespace's jobs waiting for quota, this one included or not
   * @param quota the namespace's free GPUs
   */
  public static Verdict decide(FineTuneJob job, List<FineTuneJob> waiting, GpuQuota quota) {
    long needed = gpus(job);
    if (needed == 0) {
      return new Verdict(true, "needs no GPUs");
    }
    List<FineTuneJob> ahead =
        waiting.stream()
            .filter(w -> !w.getMetadata().getUid().equals(job.getMetadata().getUid()))
            .filter(w -> ORDER.compare(w, job) < 0)
            .filter(w -> gpus(w) > 0)
            .toList();
    long reserved = ahead.stream().mapToLong(QuotaAdmission::gpus).sum();
    if (quota.fits(needed + reserved)) {
      return new Verdict(true, quota.free().map(f -> f + " GPUs free").orElse("no GPU quota"));
    }
    if (!ahead.isEmpty() && quota.fits(needed)) {
      return new Verdict(
          false,
          "waiting behind "
              + ahead.size()
              + " older job"
              + (ahead.size() == 1 ? "" : "s")
              + " of this namespace ("
              + ahead.get(0).getMetadata().getName()
              + " first) that need "
              + reserved
              + " GPUs; this job "
              + quota.shortfall(needed));
    }
    return new Verdict(false, "this job " + quota.shortfall(needed));
  }

  /** nvidia.com/gpu the job's pods need together. */
  public static long gpus(FineTuneJob job) {
    var resources = job.getSpec().getResources();
    if (resources == null) {
      return 0;
    }
    long perNode = Optional.ofNullable(resources.getGpusPerNode()).orElse(0);
    long nodes = Optional.ofNullable(resources.getNodes()).orElse(1);
    return perNode * nodes;
  }

  /** Arrival order: creation time, then name for jobs created in the same second. */
  public static final Comparator<FineTuneJob> ORDER =
      Comparator.comparing((FineTuneJob j) -> j.getMetadata().getCreationTimestamp())
          .thenComparing(j -> j.getMetadata().getName());
}
