package dev.lathe.runtime.model;

/**
 * Which version of an adapter answers the k-th request for its name: counter-based, not random, so
 * that of any 100 consecutive requests exactly {@code weight} go to the canary, spread evenly (a
 * weight of 20 sends requests 4, 9, 14, ... there), and a small sample already shows the split.
 */
final class WeightedSplit {

  private WeightedSplit() {}

  /** Whether request {@code k} (from 0) goes to the canary at {@code weight} percent. */
  static boolean toCanary(long k, int weight) {
    return ((k + 1) * weight) / 100 > (k * weight) / 100;
  }
}
