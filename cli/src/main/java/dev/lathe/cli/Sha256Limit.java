package dev.lathe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The physical limit for hashing on this machine: what {@code openssl speed -evp sha256} does on
 * one core with 1 MiB blocks (OpenSSL uses the CPU's SHA extensions), times the cores.
 */
record Sha256Limit(double perCoreBytesPerSecond, int cores) {

  static Sha256Limit measure(int seconds, int cores) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                List.of(
                    "openssl",
                    "speed",
                    "-seconds",
                    Integer.toString(seconds),
                    "-bytes",
                    "1048576",
                    "-evp",
                    "sha256"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("openssl speed failed");
    }
    return new Sha256Limit(parse(output), cores);
  }

  /** The figure on openssl's last "sha256" line, in thousands of bytes per second. */
  static double parse(String output) {
    String[] lines = output.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    String[] columns = last.split("\\s+");
    String figure = columns[columns.length - 1];
    if (!last.startsWith("sha256") || !figure.endsWith("k")) {
      throw new IllegalArgumentException("unexpected openssl speed output: " + last);
    }
    return Double.parseDouble(figure.substring(0, figure.length() - 1)) * 1000;
  }

  double bytesPerSecond() {
    return perCoreBytesPerSecond * cores;
  }
}
