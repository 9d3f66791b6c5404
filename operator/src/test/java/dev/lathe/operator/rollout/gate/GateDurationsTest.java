package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GateDurationsTest {

  @Test
  void durationsAddTheirParts() {
    assertThat(GateDurations.parse("1h30m", null)).isEqualTo(Duration.ofMinutes(90));
    assertThat(GateDurations.parse("45s", null)).isEqualTo(Duration.ofSeconds(45));
    assertThat(GateDurations.parse("1m500ms", null)).isEqualTo(Duration.ofMillis(60_500));
  }

  @Test
  void anAbsentDurationIsTheFallback() {
    assertThat(GateDurations.parse(null, Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void somethingElseIsRefused() {
    assertThatThrownBy(() -> GateDurations.parse("10 minutes", null))
        .hasMessage("not a duration: 10 minutes");
  }
}
