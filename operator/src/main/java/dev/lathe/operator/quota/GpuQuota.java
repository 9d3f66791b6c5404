package dev.lathe.operator.quota;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A namespace's free NVIDIA GPUs under its ResourceQuotas: for every quota that caps
 * requests.nvidia.com/gpu or limits.nvidia.com/gpu, hard minus used; the tightest one wins. No such
 * quota means no limit. Lathe queues a job that does not fit instead of letting the API server
 * refuse its pods.
 */
public record GpuQuota(Optional<Long> free, String limitingQuota) {

  static final List<String> GPU_RESOURCES =
      List.of("requests.nvidia.com/gpu", "limits.nvidia.com/gpu");

  static final String GPU = "nvidia.com/gpu";

  public static GpuQuota of(List<ResourceQuota> quotas) {
    return of(quotas, 0, 0);
  }

  /**
   * @param latheUse GPUs Lathe's training pods request now, which {@code used} may already count
   * @param reserved GPUs reserved by jobs Lathe admitted, which replace {@code latheUse}
   */
  public static GpuQuota of(List<ResourceQuota> quotas, long latheUse, long reserved) {
    Long tightest = null;
    String limiting = "";
    for (ResourceQuota quota : quotas) {
      Map<String, Quantity> hard =
          quota.getStatus() != null && quota.getStatus().getHard() != null
              ? quota.getStatus().getHard()
              : quota.getSpec() == null ? Map.of() : quota.getSpec().getHard();
      Map<String, Quantity> used =
          quota.getStatus() == null || quota.getStatus().getUsed() == null
              ? Map.of()
              : quota.getStatus().getUsed();
      for (String resource : GPU_RESOURCES) {
        if (hard == null || !hard.containsKey(resource)) {
          continue;
        }
        long usedNow = used.containsKey(resource) ? count(used.get(resource)) : 0;
        long free = count(hard.get(resource)) - (Math.max(0, usedNow - latheUse) + reserved);
        if (tightest == null || free < tightest) {
          tightest = Math.max(0, free);
          limiting = quota.getMetadata().getName() + " (" + resource + ")";
        }
      }
    }
    return new GpuQuota(Optional.ofNullable(tightest), limiting);
  }

  /** Whether a job needing {@code gpus} GPUs fits now. */
  public boolean fits(long gpus) {
    return gpus == 0 || free.map(f -> f >= gpus).orElse(true);
  }

  /** Why a job does not fit, for the Queued condition. */
  public String shortfall(long gpus) {
    return "needs "
        + gpus
        + " GPU"
        + (gpus == 1 ? "" : "s")
        + ", "
        + free.orElse(0L)
        + " free under ResourceQuota "
        + limitingQuota;
  }

  private static long count(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity)
        .setScale(0, java.math.RoundingMode.CEILING)
        .max(BigDecimal.ZERO)
        .longValueExact();
  }
}
