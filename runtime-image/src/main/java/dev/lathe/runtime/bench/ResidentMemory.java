package dev.lathe.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Resident memory of a process as Linux reports it in /proc/PID/status, in kilobytes; -1 where
 * /proc is not there.
 *
 * @param rssKb VmRSS: resident now
 * @param peakKb VmHWM: the highest resident so far, what a pod's memory limit must hold
 * @param anonKb RssAnon: the process's own memory (heap, native allocations, libtorch's tensors)
 * @param fileKb RssFile: pages of mapped files (the JVM, shared libraries, a mapped checkpoint)
 */
record ResidentMemory(long rssKb, long peakKb, long anonKb, long fileKb) {

  static ResidentMemory of(long pid) {
    Map<String, Long> fields = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.endsWith(" kB")) {
          fields.put(
              line.substring(0, colon),
              Long.parseLong(line.substring(colon + 1, line.length() - 3).strip()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      fields.clear();
    }
    return new ResidentMemory(
        fields.getOrDefault("VmRSS", -1L),
        fields.getOrDefault("VmHWM", -1L),
        fields.getOrDefault("RssAnon", -1L),
        fields.getOrDefault("RssFile", -1L));
  }

  /** Kilobytes as MiB. */
  static double mebibytes(long kilobytes) {
    return kilobytes / 1024.0;
  }
}
