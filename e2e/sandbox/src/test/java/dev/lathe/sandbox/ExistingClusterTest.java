package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExistingClusterTest {

  @Test
  void withoutTheKubeconfigVariableThereIsNoClusterToPlayOn() {
    assertThat(ExistingCluster.from(Map.of(ExistingCluster.VOLUME_ROOT, "/v")::get)).isEmpty();
  }

  @Test
  void theKubeconfigAloneIsRefusedNamingEveryMissingVariable() {
    assertThatThrownBy(() -> ExistingCluster.from(Map.of(ExistingCluster.KUBECONFIG, "/k")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LATHE_E2E_VOLUME_ROOT, LATHE_E2E_SIGNING_KEY, LATHE_E2E_TRUSTED_KEY")
        .hasMessageContaining("docs/e2e.md");
  }

  @Test
  void everyVariableSetNamesTheClusterAndIsHandedOnToTheStoryAsGiven() {
    Map<String, String> environment =
        Map.of(
            ExistingCluster.KUBECONFIG, "/k",
            ExistingCluster.VOLUME_ROOT, "/v",
            ExistingCluster.SIGNING_KEY, "/s.pem",
            ExistingCluster.TRUSTED_KEY, "/t.pub");

    ExistingCluster cluster = ExistingCluster.from(environment::get).orElseThrow();

    assertThat(cluster.variables()).isEqualTo(environment);
  }
}
