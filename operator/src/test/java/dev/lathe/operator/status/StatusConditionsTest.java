package dev.lathe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusConditionsTest {

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  @Test
  void transitionTimeMovesOnlyWhenTheStatusFlips() {
    List<Condition> conditions = new ArrayList<>();
    StatusConditions.set(
        conditions,
        new Condition("Accepted", "False", AcceptanceReasons.SECRET_NOT_FOUND, "a"),
        at("2026-11-25T10:00:00Z"));
    StatusConditions.set(
        conditions,
        new Condition("Accepted", "False", AcceptanceReasons.MODEL_VERSION_NOT_FOUND, "b"),
        at("2026-11-25T10:05:00Z"));

    assertThat(conditions)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo(AcceptanceReasons.MODEL_VERSION_NOT_FOUND);
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
            });

    StatusConditions.set(
        conditions,
        new Condition("Accepted", "True", AcceptanceReasons.VALID, "ok"),
        at("2026-11-25T10:07:30.250Z"));

    assertThat(conditions)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T10:07:30Z");
            });
  }

  @Test
  void conditionsOfOtherTypesAreKept() {
    List<Condition> conditions = new ArrayList<>();
    StatusConditions.set(
        conditions, new Condition("Queued", "True", "QuotaExceeded", "q"), Clock.systemUTC());
    StatusConditions.set(
        conditions,
        new Condition("Accepted", "True", AcceptanceReasons.VALID, "ok"),
        Clock.systemUTC());

    assertThat(conditions).extracting(Condition::getType).containsExactly("Queued", "Accepted");
  }
}
