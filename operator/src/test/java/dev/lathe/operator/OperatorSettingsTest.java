package dev.lathe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsElectALeaderWatchAllNamespacesAndServeOnPort8080() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());

    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseName()).isEqualTo("lathe-operator-leader");
    assertThat(settings.leaseNamespace()).isNull();
    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.httpPort()).isEqualTo(8080);
    assertThat(settings.recheckInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void environmentOverridesEverySetting() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "LATHE_LEADER_ELECTION", "false",
                "LATHE_LEASE_NAME", "lathe-lock",
                "POD_NAMESPACE", "lathe-system",
                "LATHE_WATCH_NAMESPACES", "team-a, team-b,,",
                "LATHE_HTTP_PORT", "9090",
                "LATHE_RECHECK_SECONDS", "5"));

    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.leaseName()).isEqualTo("lathe-lock");
    assertThat(settings.leaseNamespace()).isEqualTo("lathe-system");
    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(settings.httpPort()).isEqualTo(9090);
    assertThat(settings.recheckInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void malformedNumbersAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("LATHE_HTTP_PORT", "http")))
        .hasMessageContaining("LATHE_HTTP_PORT");
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("LATHE_RECHECK_SECONDS", "0")))
        .hasMessageContaining("LATHE_RECHECK_SECONDS");
  }

  @Test
  void healthServerAddressIsAnIpLiteralOrRefusedNamingTheVariable() {
    assertThat(OperatorSettings.fromEnvironment(Map.of()).httpAddress()).isEqualTo("0.0.0.0");
    assertThat(
            OperatorSettings.fromEnvironment(Map.of("LATHE_HTTP_ADDRESS", "127.0.0.1"))
                .httpAddress())
        .isEqualTo("127.0.0.1");
    assertThat(OperatorSettings.fromEnvironment(Map.of("LATHE_HTTP_ADDRESS", "::1")).httpAddress())
        .isEqualTo("::1");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("LATHE_HTTP_ADDRESS", "localhost")))
        .hasMessageContaining("LATHE_HTTP_ADDRESS");
  }
}
