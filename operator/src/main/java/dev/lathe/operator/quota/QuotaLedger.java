package dev.lathe.operator.quota;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.status.StatusConditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The namespace's GPU quota as Lathe counts it: a ResourceQuota's used figure lags (it moves when
 * pods exist and the quota controller has caught up), so jobs admitted a moment ago would be
 * invisible to it. Every job the operator admitted and that has not ended holds its GPUs in its own
 * status ({@code status.quotaReservation}, written at admission, found again by a restarted
 * operator), and those reservations replace what Lathe's own pods contribute to {@code used}:
 * consumed = (used − GPUs requested by Lathe's training pods) + GPUs reserved by Lathe's jobs.
 */
public final class QuotaLedger {

  private QuotaLedger() {}

  /**
   * The free quota {@code job} may be admitted against.
   *
   * @param job the job asking
   * @param namespaceJobs the namespace's FineTuneJobs, with the statuses this operator last wrote
   * @param quotas the namespace's ResourceQuotas
   * @param trainingPods the namespace's pods of Lathe training Jobs
   */
  public static GpuQuota free(
      FineTuneJob job,
      List<FineTuneJob> namespaceJobs,
      List<ResourceQuota> quotas,
      List<Pod> trainingPods) {
    long reserved =
        namespaceJobs.stream()
            .filter(other -> !other.getMetadata().getUid().equals(job.getMetadata().getUid()))
            .filter(QuotaLedger::holdsQuota)
            .mapToLong(QuotaLedger::reservedGpus)
            .sum();
    long podsUse =
        trainingPods.stream().filter(QuotaLedger::counted).mapToLong(QuotaLedger::gpus).sum();
    return GpuQuota.of(quotas, podsUse, reserved);
  }

  /**
   * Whether a job holds quota: Lathe admitted it (it has a reservation, or a training Job from an
   * operator that wrote no reservation yet), and it has not succeeded, failed or been suspended.
   */
  public static boolean holdsQuota(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    return status != null
        && job.getSpec().getQueueName() == null
        && !Boolean.TRUE.equals(job.getSpec().getSuspend())
        && (status.getQuotaReservation() != null || status.getJobName() != null)
        && !StatusConditions.isTrue(status, FineTuneJobStatus.SUCCEEDED)
        && !StatusConditions.isTrue(status, FineTuneJobStatus.FAILED);
  }

  private static long reservedGpus(FineTuneJob job) {
    var reservation = job.getStatus().getQuotaReservation();
    return reservation != null && reservation.getGpus() != null
        ? reservation.getGpus()
        : QuotaAdmission.gpus(job);
  }

  /** Pods the quota system counts: those not yet terminated. */
  private static boolean counted(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static long gpus(Pod pod) {
    long sum = 0;
    for (var container : pod.getSpec().getContainers()) {
      if (container.getResources() == null) {
        continue;
      }
      Map<String, Quantity> requests = container.getResources().getRequests();
      Map<String, Quantity> limits = container.getResources().getLimits();
      Quantity gpu =
          requests != null && requests.containsKey(GpuQuota.GPU)
              ? requests.get(GpuQuota.GPU)
              : limits == null ? null : limits.get(GpuQuota.GPU);
      if (gpu != null) {
        sum +=
            Quantity.getAmountInBytes(gpu)
                .setScale(0, RoundingMode.CEILING)
                .max(BigDecimal.ZERO)
                .longValueExact();
      }
    }
    return sum;
  }
}
