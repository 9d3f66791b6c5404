package dev.lathe.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory (VmRSS) of a process as Linux reports it; -1 where /proc is not there. */
final class ResidentMemory {

  private ResidentMemory() {}

  /** VmRSS of this process, in kilobytes. */
  static long ownKilobytes() {
    return kilobytes(Path.of("/proc/self/status"));
  }

  /** VmRSS of the process {@code pid}, in kilobytes. */
  static long kilobytes(long pid) {
    return kilobytes(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static long kilobytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
