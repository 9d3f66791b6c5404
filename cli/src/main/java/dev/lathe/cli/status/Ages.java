package dev.lathe.cli.status;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Durations and RFC 3339 times the way kubectl prints them: 45s, 3m12s, 2h5m, 3d. */
final class Ages {

  private Ages() {}

  static String of(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
    if (seconds < 86400) {
      return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
    }
    return seconds / 86400 + "d";
  }

  /** How long ago {@code time} was, or "?" for a time that does not parse. */
  static String since(String time, Instant now) {
    return parse(time).map(t -> of(Duration.between(t, now))).orElse("?");
  }

  static Optional<Instant> parse(String time) {
    if (time == null || time.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
