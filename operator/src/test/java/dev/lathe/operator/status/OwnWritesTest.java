package dev.lathe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.operator.Fixtures;
import org.junit.jupiter.api.Test;

class OwnWritesTest {

  private static FineTuneJob job(String resourceVersion, String jobName) {
    FineTuneJob job = Fixtures.loraJob();
    job.getMetadata().setUid("uid-1");
    job.getMetadata().setResourceVersion(resourceVersion);
    FineTuneJobStatus status = new FineTuneJobStatus();
    status.setJobName(jobName);
    job.setStatus(status);
    return job;
  }

  @Test
  void aWriteTheCacheHasNotDeliveredYetIsWhatTheNextReconcileSees() {
    OwnWrites writes = new OwnWrites();
    writes.remember(job("12", "support-bot-v3-train-1"));

    FineTuneJob seen = writes.freshest(job("11", null));

    assertThat(seen.getStatus().getJobName()).isEqualTo("support-bot-v3-train-1");
    assertThat(seen.getMetadata().getResourceVersion()).isEqualTo("11");
  }

  @Test
  void onceTheCacheCaughtUpItWinsAndTheWriteIsForgotten() {
    OwnWrites writes = new OwnWrites();
    writes.remember(job("12", "mine"));

    assertThat(writes.freshest(job("13", "newer")).getStatus().getJobName()).isEqualTo("newer");
    assertThat(writes.freshest(job("11", "older")).getStatus().getJobName()).isEqualTo("older");
  }

  @Test
  void theCachedObjectIsNeverHandedOutForChanging() {
    OwnWrites writes = new OwnWrites();
    FineTuneJob cached = job("11", null);

    writes.freshest(cached).getStatus().setJobName("changed");

    assertThat(cached.getStatus().getJobName()).isNull();
  }
}
