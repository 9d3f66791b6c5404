package dev.lathe.runtime.evaluate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How an answer is scored against the expected one, and how figures are summarised: exact match
 * (equal after trimming), accuracy (equal after normalising case, whitespace and leading and
 * trailing punctuation), nearest-rank percentiles.
 */
final class Scoring {

  private Scoring() {}

  static boolean exactMatch(String answer, String expected) {
    return answer.strip().equals(expected.strip());
  }

  static boolean accurate(String answer, String expected) {
    return normalise(answer).equals(normalise(expected));
  }

  static String normalise(String text) {
    String collapsed = text.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
    return collapsed.replaceAll("[\\p{Punct}\\s]+$", "").replaceAll("^[\\p{Punct}\\s]+", "");
  }

  /** The nearest-rank percentile q of the values, rounded to 0.1; null when there are none. */
  static Double percentile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return null;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] * 10) / 10.0;
  }
}
