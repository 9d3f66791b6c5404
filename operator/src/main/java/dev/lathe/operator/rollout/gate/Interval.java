package dev.lathe.operator.rollout.gate;

import dev.lathe.artifact.contract.GateReport;

/**
 * A 95% confidence interval, and the score intervals the gate uses for proportions.
 *
 * <p>Why these: the gate must not pass or fail a canary on the noise of a small evaluation set, and
 * evaluation sets are small (tens to hundreds of items) with accuracies near 0 or 1, where the
 * normal (Wald) interval collapses to zero width (all items equal → [0, 0], "proven equal" after
 * five items) or overshoots [0, 1]. Wilson's score interval keeps its coverage there, and
 * Newcombe's hybrid score intervals for a difference combine two Wilson intervals: for paired data
 * (both versions on the same items) with the correction for the correlation between the versions
 * (Newcombe 1998, Statistics in Medicine 17:2635, method 10), for independent samples without it
 * (Newcombe 1998, Statistics in Medicine 17:873, method 10).
 *
 * @param lower the lower end
 * @param upper the upper end
 */
public record Interval(double lower, double upper) {

  /** The standard normal quantile of 97.5%: a two-sided 95% interval. */
  static final double Z = 1.959963984540054;

  /** Wilson's score interval for a proportion of {@code k} in {@code n} (n > 0). */
  public static Interval wilson(long k, long n) {
    if (n <= 0 || k < 0 || k > n) {
      throw new IllegalArgumentException("a proportion of " + k + " in " + n);
    }
    double p = (double) k / n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * The interval of candidate share minus stable share when both were measured on the same items.
   */
  public static Interval pairedDifference(GateReport.Paired table) {
    int n = table.total();
    if (n == 0) {
      throw new IllegalArgumentException("no paired items");
    }
    int a = table.both();
    int b = table.candidateOnly();
    int c = table.stableOnly();
    int d = table.neither();
    double phi = 0;
    double marginals = (double) (a + b) * (c + d) * (a + c) * (b + d);
    if (marginals > 0) {
      // Newcombe's correction: a positive association is shrunk by n/2 (and to 0 if smaller), so
      // the interval does not get narrower than the data justify.
      double association = (double) a * d - (double) b * c;
      double corrected = association > n / 2.0 ? association - n / 2.0 : Math.min(association, 0);
      phi = corrected / Math.sqrt(marginals);
    }
    return combine(a + b, n, a + c, n, phi);
  }

  /** The interval of {@code k1/n1 − k2/n2} for two independent samples. */
  public static Interval independentDifference(long k1, long n1, long k2, long n2) {
    return combine(k1, n1, k2, n2, 0);
  }

  private static Interval combine(long k1, long n1, long k2, long n2, double phi) {
    double p1 = (double) k1 / n1;
    double p2 = (double) k2 / n2;
    Interval w1 = wilson(k1, n1);
    Interval w2 = wilson(k2, n2);
    double below1 = p1 - w1.lower;
    double above1 = w1.upper - p1;
    double below2 = p2 - w2.lower;
    double above2 = w2.upper - p2;
    double difference = p1 - p2;
    double lower =
        difference
            - Math.sqrt(Math.max(0, below1 * below1 - 2 * phi * below1 * above2 + above2 * above2));
    double upper =
        difference
            + Math.sqrt(Math.max(0, above1 * above1 - 2 * phi * above1 * below2 + below2 * below2));
    return new Interval(Math.max(-1, lower), Math.min(1, upper));
  }

  public boolean contains(double value) {
    return lower <= value && value <= upper;
  }
}
