package dev.lathe.runtime.bench;

/**
 * Memory bandwidth as a copy measures it (bytes read plus bytes written per second, STREAM's
 * convention), the limit of a decoding step that must read every weight once: batch-1 tokens/s
 * cannot exceed bandwidth ÷ weight bytes.
 */
final class CopyBandwidth {

  private CopyBandwidth() {}

  /** The best of a few copies of {@code bytes}, in bytes per second. */
  static double measure(int bytes) {
    byte[] from = new byte[bytes];
    byte[] to = new byte[bytes];
    java.util.Arrays.fill(from, (byte) 1);
    double best = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      System.arraycopy(from, 0, to, 0, bytes);
      double seconds = (System.nanoTime() - start) / 1e9;
      best = Math.max(best, 2.0 * bytes / seconds);
    }
    return best;
  }
}
