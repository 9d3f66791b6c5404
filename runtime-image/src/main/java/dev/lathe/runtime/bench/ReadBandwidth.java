package dev.lathe.runtime.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Memory read bandwidth as a decoding step sees it: bytes per second libtorch reads while summing
 * an array far larger than any cache, on this JVM's libtorch threads. A batch-1 step reads every
 * weight once and writes almost nothing, so tokens/s cannot exceed this ÷ weight bytes. A
 * single-threaded copy (read plus write, STREAM's convention) is not that bound: on a 2-core
 * machine with AVX-512 it measured 11.5 GB/s while libtorch's GEMVs on two threads read 14.
 */
final class ReadBandwidth {

  private ReadBandwidth() {}

  /** The best of a few full reads of {@code bytes} of float32, in bytes per second. */
  static double measure(long bytes) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray array = manager.ones(new Shape(bytes / 4));
      double best = 0;
      for (int round = -1; round < 5; round++) {
        long start = System.nanoTime();
        // The scalar is read back, so the sum has run to completion before the clock stops.
        try (NDArray sum = array.sum()) {
          sum.getFloat();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (round >= 0) {
          best = Math.max(best, bytes / seconds);
        }
      }
      return best;
    }
  }
}
