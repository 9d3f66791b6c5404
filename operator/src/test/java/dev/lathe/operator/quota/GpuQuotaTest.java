package dev.lathe.operator.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuQuotaTest {

  private static ResourceQuota quota(
      String name, Map<String, String> hard, Map<String, String> used) {
    ResourceQuotaBuilder builder =
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .endStatus();
    hard.forEach((k, v) -> builder.editStatus().addToHard(k, new Quantity(v)).endStatus());
    used.forEach((k, v) -> builder.editStatus().addToUsed(k, new Quantity(v)).endStatus());
    return builder.build();
  }

  @Test
  void noGpuQuotaMeansNoLimit() {
    GpuQuota quota =
        GpuQuota.of(List.of(quota("cpu-only", Map.of("requests.cpu", "64"), Map.of())));

    assertThat(quota.free()).isEmpty();
    assertThat(quota.fits(8)).isTrue();
  }

  @Test
  void tightestGpuQuotaDecidesAndSaysWhy() {
    GpuQuota quota =
        GpuQuota.of(
            List.of(
                quota(
                    "team",
                    Map.of("requests.nvidia.com/gpu", "8"),
                    Map.of("requests.nvidia.com/gpu", "6")),
                quota(
                    "burst",
                    Map.of("limits.nvidia.com/gpu", "16"),
                    Map.of("limits.nvidia.com/gpu", "3"))));

    assertThat(quota.free()).contains(2L);
    assertThat(quota.fits(2)).isTrue();
    assertThat(quota.fits(4)).isFalse();
    assertThat(quota.shortfall(4))
        .isEqualTo("needs 4 GPUs, 2 free under ResourceQuota team (requests.nvidia.com/gpu)");
    assertThat(quota.fits(0)).as("CPU-only jobs never wait for GPUs").isTrue();
  }

  @Test
  void overcommittedQuotaHasNoneFree() {
    GpuQuota quota =
        GpuQuota.of(
            List.of(
                quota(
                    "team",
                    Map.of("requests.nvidia.com/gpu", "4"),
                    Map.of("requests.nvidia.com/gpu", "5"))));

    assertThat(quota.free()).contains(0L);
    assertThat(quota.fits(1)).isFalse();
  }
}
