package dev.lathe.operator.status;

/**
 * An Event a decision wants recorded once its status is written.
 *
 * @param type {@link EventRecorder#NORMAL} or {@link EventRecorder#WARNING}
 * @param reason the condition reason it tells of
 * @param message what happened
 */
public record PlannedEvent(String type, String reason, String message) {}
