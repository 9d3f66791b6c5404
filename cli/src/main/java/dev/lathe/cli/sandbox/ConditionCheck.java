package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import java.util.Optional;

/** Reads one condition of a status, the way the story waits on it. */
final class ConditionCheck {

  private ConditionCheck() {}

  static Optional<Condition> find(ConditionedStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static boolean is(ConditionedStatus status, String type, String value) {
    return find(status, type).map(c -> value.equals(c.getStatus())).orElse(false);
  }

  /** "Verified=True (SignatureVerified)" or "Verified: not reported yet". */
  static String describe(ConditionedStatus status, String type) {
    return find(status, type)
        .map(c -> type + "=" + c.getStatus() + " (" + c.getReason() + ")")
        .orElse(type + ": not reported yet");
  }
}
