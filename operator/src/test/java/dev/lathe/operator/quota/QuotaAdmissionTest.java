package dev.lathe.operator.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaAdmissionTest {

  private static FineTuneJob job(String name, String created, int gpus) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setName(name);
    job.getMetadata().setUid(name + "-uid");
    job.getMetadata().setCreationTimestamp(created);
    job.getSpec().getResources().setGpusPerNode(gpus);
    return job;
  }

  private static GpuQuota free(int hard, int used) {
    ResourceQuota quota =
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName("gpus")
            .endMetadata()
            .withNewStatus()
            .addToHard("requests.nvidia.com/gpu", new Quantity(String.valueOf(hard)))
            .addToUsed("requests.nvidia.com/gpu", new Quantity(String.valueOf(used)))
            .endStatus()
            .build();
    return GpuQuota.of(List.of(quota));
  }

  @Test
  void jobThatFitsTheFreeQuotaIsAdmitted() {
    FineTuneJob job = job("a", "2026-11-25T10:00:00Z", 2);
    assertThat(QuotaAdmission.decide(job, List.of(job), free(4, 2)).admitted()).isTrue();
  }

  @Test
  void jobThatDoesNotFitIsQueuedWithNeededAndFreeGpus() {
    FineTuneJob job = job("a", "2026-11-25T10:00:00Z", 2);
    QuotaAdmission.Verdict verdict = QuotaAdmission.decide(job, List.of(job), free(4, 3));
    assertThat(verdict.admitted()).isFalse();
    assertThat(verdict.message())
        .isEqualTo(
            "this job needs 2 GPUs, 1 free under ResourceQuota gpus (requests.nvidia.com/gpu)");
  }

  @Test
  void smallJobDoesNotOvertakeAnOlderBigOneWaitingInTheSameNamespace() {
    FineTuneJob big = job("big", "2026-11-25T10:00:00Z", 4);
    FineTuneJob small = job("small", "2026-11-25T10:05:00Z", 1);
    GpuQuota quota = free(4, 2);

    QuotaAdmission.Verdict verdict = QuotaAdmission.decide(small, List.of(big, small), quota);

    assertThat(verdict.admitted()).isFalse();
    assertThat(verdict.message())
        .startsWith("waiting behind 1 older job of this namespace (big first)");
    assertThat(QuotaAdmission.decide(big, List.of(big, small), quota).admitted()).isFalse();
    assertThat(QuotaAdmission.decide(big, List.of(big, small), free(4, 0)).admitted()).isTrue();
  }

  @Test
  void jobWithoutGpusIsNeverQueued() {
    FineTuneJob cpu = job("cpu", "2026-11-25T10:00:00Z", 0);
    assertThat(QuotaAdmission.decide(cpu, List.of(cpu), free(0, 0)).admitted()).isTrue();
  }
}
