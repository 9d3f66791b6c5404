package dev.lathe.operator.rollout.gate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gate's durations as the CRD spells them (30s, 10m, 1h30m, 500ms). */
final class GateDurations {

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private GateDurations() {}

  /** {@code fallback} when {@code text} is absent; the CRD pattern guarantees the shape. */
  static Duration parse(String text, Duration fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    Matcher part = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (part.find()) {
      if (part.start() != end) {
        throw new IllegalArgumentException("not a duration: " + text);
      }
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
              });
      end = part.end();
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return total;
  }
}
