package dev.lathe.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line to completion and keeps what it printed. */
final class Command {

  private static final long TIMEOUT_SECONDS = 180;

  /** What a finished command said. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** The result, or an error naming the command and what it printed when it failed. */
    Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited " + exitCode + ":\n" + stderr + "\n" + stdout);
      }
      return this;
    }
  }

  private Command() {}

  static Result run(Map<String, String> environment, List<String> command) {
    return run(environment, command, null);
  }

  /** Runs {@code command}; {@code stdin}, when not null, is written to its standard input. */
  static Result run(Map<String, String> environment, List<String> command, String stdin) {
    try {
      Path out = Files.createTempFile("lathe-cmd-", ".out");
      Path err = Files.createTempFile("lathe-cmd-", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        if (stdin == null) {
          builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process process = builder.start();
        if (stdin != null) {
          try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Result(
            new ArrayList<>(command),
            process.exitValue(),
            Files.readString(out),
            Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
