package dev.lathe.operator.rollout;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations of a rollout spec ({@code 30s}, {@code 10m}, {@code 1h30m}, {@code 500ms}),
 * in the form the CRD's pattern admits, and says the defaults of the fields that take one.
 */
public final class RolloutDurations {

  /** How long a step's candidate pods may take to become ready (RolloutSpec.progressDeadline). */
  public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);

  /** How long retired pods keep running, as Argo Rollouts' default scaleDownDelaySeconds. */
  public static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);

  private static final Pattern WHOLE = Pattern.compile("^([0-9]+(ms|s|m|h))+$");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private RolloutDurations() {}

  /**
   * @throws IllegalArgumentException when the text is not such a duration (the CRD's pattern
   *     refuses it first, so only a hand-made object gets here)
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a duration like 30s, 10m or 1h30m: " + (text == null ? "null" : "'" + text + "'"));
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
              });
    }
    return total;
  }

  /** The duration in {@code text}, or {@code fallback} when it is absent. */
  public static Duration orDefault(String text, Duration fallback) {
    return Optional.ofNullable(text).map(RolloutDurations::parse).orElse(fallback);
  }
}
