package dev.lathe.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Keeps events in memory instead of sending them to an API server. */
public class RecordingEventRecorder extends EventRecorder {

  public record Recorded(String name, String type, String reason, String message) {}

  public final List<Recorded> events = new ArrayList<>();

  public RecordingEventRecorder() {
    super(null, Clock.systemUTC());
  }

  @Override
  public void record(HasMetadata about, String type, String reason, String message) {
    events.add(new Recorded(about.getMetadata().getName(), type, reason, message));
  }
}
