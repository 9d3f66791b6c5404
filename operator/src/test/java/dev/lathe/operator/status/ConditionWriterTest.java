package dev.lathe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionWriterTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static FineTuneJobStatus statusWith(String type, String value, String reason) {
    FineTuneJobStatus status = new FineTuneJobStatus();
    Condition condition = new Condition(type, value, reason, "before");
    condition.setLastTransitionTime("2026-12-01T10:00:00Z");
    status.getConditions().add(condition);
    return status;
  }

  @Test
  void aConditionThatAppearsIsToldOnce() {
    ConditionWriter writer = new ConditionWriter(new FineTuneJobStatus(), 3, NOW);

    writer.set("Running", "True", "Training", "1 pod", Notice.NORMAL);

    assertThat(writer.events()).containsExactly(new PlannedEvent("Normal", "Training", "1 pod"));
    assertThat(writer.get("Running").orElseThrow().getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aNewStatusOrReasonIsToldButANewMessageAloneIsNot() {
    assertThat(write(statusWith("Running", "False", "Starting"), "True", "Training", Notice.NORMAL))
        .hasSize(1);
    assertThat(
            write(statusWith("Running", "False", "Starting"), "False", "Suspended", Notice.NORMAL))
        .hasSize(1);
    assertThat(write(statusWith("Running", "True", "Training"), "True", "Training", Notice.NORMAL))
        .isEmpty();
  }

  @Test
  void aQuietConditionIsNeverTold() {
    assertThat(write(new FineTuneJobStatus(), "False", "Starting", Notice.QUIET)).isEmpty();
  }

  @Test
  void setTwiceInOneDecisionOnlyTheLastWordIsTold() {
    ConditionWriter writer = new ConditionWriter(new FineTuneJobStatus(), 1, NOW);

    writer.set("Succeeded", "False", "StorageUnavailable", "down", Notice.WARNING);
    writer.set("Succeeded", "True", "Published", "published", Notice.NORMAL);

    assertThat(writer.events()).extracting(PlannedEvent::reason).containsExactly("Published");
  }

  @Test
  void theTransitionTimeMovesOnlyWhenTheStatusFlips() {
    FineTuneJobStatus status = statusWith("Running", "False", "Starting");
    ConditionWriter writer = new ConditionWriter(status, 1, NOW);

    writer.set("Running", "False", "Suspended", "suspended", Notice.NORMAL);
    assertThat(writer.get("Running").orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-12-01T10:00:00Z");
    writer.set("Running", "True", "Training", "1 pod", Notice.NORMAL);
    assertThat(writer.get("Running").orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-12-01T12:00:00Z");
  }

  private static java.util.List<PlannedEvent> write(
      FineTuneJobStatus status, String value, String reason, Notice notice) {
    ConditionWriter writer = new ConditionWriter(status, 1, NOW);
    writer.set("Running", value, reason, "after", notice);
    return writer.events();
  }
}
