package dev.lathe.runtime.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this whole process (every thread, libtorch's included): unlike wall time, other
 * programs on a loaded machine hardly move it, so it compares runs taken at different loads.
 */
final class ProcessCpu {

  private ProcessCpu() {}

  static long nanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
