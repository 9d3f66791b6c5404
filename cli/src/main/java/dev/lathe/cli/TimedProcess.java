package dev.lathe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a command to its end and measures its wall time and the CPU time it and its children used
 * (from this process's {@code cutime + cstime} in /proc, which grows by exactly what a reaped child
 * used), so a benchmark compares whole processes, start-up included.
 */
record TimedProcess(double wallSeconds, double cpuSeconds) {

  private static final double CLOCK_TICKS_PER_SECOND = 100;

  static TimedProcess run(List<String> command) throws IOException, InterruptedException {
    double cpuBefore = childrenCpuSeconds();
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int exit = process.waitFor();
    double wall = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit);
    }
    return new TimedProcess(wall, childrenCpuSeconds() - cpuBefore);
  }

  /** CPU seconds of this process's reaped children; NaN where /proc is not there. */
  private static double childrenCpuSeconds() throws IOException {
    Path stat = Path.of("/proc/self/stat");
    if (!Files.isReadable(stat)) {
      return Double.NaN;
    }
    String line = Files.readString(stat);
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    // cutime and cstime are fields 16 and 17 of proc(5), so 13 and 14 after the name.
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / CLOCK_TICKS_PER_SECOND;
  }
}
