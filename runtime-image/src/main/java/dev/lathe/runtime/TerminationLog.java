package dev.lathe.runtime;

import dev.lathe.artifact.contract.RuntimeEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a failure's message where Kubernetes picks it up for the pod's status. */
final class TerminationLog {

  private TerminationLog() {}

  static void write(String message) {
    String path =
        System.getenv().getOrDefault(RuntimeEnvironment.TERMINATION_LOG, "/dev/termination-log");
    try {
      Path file = Path.of(path);
      if (file.getParent() != null && Files.isDirectory(file.getParent())) {
        Files.writeString(file, message);
      }
    } catch (IOException | RuntimeException e) {
      // Outside Kubernetes there is no termination log; stderr has the message already.
    }
  }
}
