package dev.lathe.operator.status;

import dev.lathe.api.v1alpha1.AcceptanceReasons;

/**
 * One reason a spec cannot be acted on.
 *
 * @param reason a CamelCase reason for the condition, for example SecretNotFound
 * @param message what is wrong, naming the field, and what to do
 * @param waitsOnOtherObjects true when creating or fixing another object (a Secret, a ModelVersion)
 *     clears the problem, so the operator should look again without a spec change
 */
public record Problem(String reason, String message, boolean waitsOnOtherObjects) {

  public static Problem inSpec(String message) {
    return new Problem(AcceptanceReasons.INVALID_SPEC, message, false);
  }

  public static Problem missing(String reason, String message) {
    return new Problem(reason, message, true);
  }
}
