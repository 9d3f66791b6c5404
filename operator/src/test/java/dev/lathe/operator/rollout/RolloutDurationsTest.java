package dev.lathe.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RolloutDurationsTest {

  @Test
  void aDurationIsTheSumOfItsParts() {
    assertThat(RolloutDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(RolloutDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(RolloutDurations.parse("2m10s")).isEqualTo(Duration.ofSeconds(130));
    assertThat(RolloutDurations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
  }

  @Test
  void anAbsentDurationIsTheDefault() {
    assertThat(RolloutDurations.orDefault(null, Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aDurationInWordsIsRefusedWithTheText() {
    assertThatThrownBy(() -> RolloutDurations.parse("ten minutes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ten minutes'");
  }
}
