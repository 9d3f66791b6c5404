package dev.lathe.sandbox;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The story on a real cluster where Lathe is installed (by the chart), named by {@code
 * LATHE_E2E_KUBECONFIG} and the other {@code LATHE_E2E_*} variables (docs/e2e.md); skipped when it
 * is not set. {@link SandboxAsExistingClusterIT} proves this mode on a sandbox of its own.
 */
class ExistingClusterStoryIT {

  private static final Path REPOSITORY = SandboxSignalsIT.repository();

  private ExistingCluster cluster;

  @TempDir Path state;

  /**
   * Per test rather than per class: a skipped test is then reported as skipped, with this message,
   * where a class skipped before its tests is reported as no tests at all.
   */
  @BeforeEach
  void needsAClusterWithLatheInstalled() {
    cluster =
        ExistingCluster.from(System::getenv)
            .orElseThrow(
                () -> {
                  Assumptions.abort(
                      "skipped: set "
                          + ExistingCluster.KUBECONFIG
                          + " (with "
                          + ExistingCluster.VOLUME_ROOT
                          + ", "
                          + ExistingCluster.SIGNING_KEY
                          + " and "
                          + ExistingCluster.TRUSTED_KEY
                          + "; see docs/e2e.md) to play the story on a cluster where Lathe is"
                          + " installed");
                  return new IllegalStateException("unreachable: abort throws");
                });
  }

  @Test
  void theStoryOnTheGivenClusterPromotesV2RollsBackV3AndLeavesV2Answering() throws Exception {
    String out = ClusterStory.play(REPOSITORY, cluster, state);
    System.out.println(out);

    StoryOutput.assertTheWholeStory(out);
    ClusterStory.assertWhatAUserSees(cluster);
  }
}
