package dev.lathe.operator.status;

/** How a condition change is told in Events: as a Normal one, a Warning, or not at all. */
public enum Notice {
  NORMAL(EventRecorder.NORMAL),
  WARNING(EventRecorder.WARNING),
  QUIET(null);

  private final String eventType;

  Notice(String eventType) {
    this.eventType = eventType;
  }

  String eventType() {
    return eventType;
  }
}
