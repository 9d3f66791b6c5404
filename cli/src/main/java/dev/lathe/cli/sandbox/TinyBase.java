package dev.lathe.cli.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Lathe's tiny base model, from the trainer jar's TinyBaseModel: pretrained once into
 * ${LATHE_CACHE}/models (about four minutes on 2 cores), read from there afterwards.
 */
final class TinyBase {

  private TinyBase() {}

  static Path cache() {
    return SandboxLayout.cache().resolve("models");
  }

  /** Whether a tiny base was built before (then this run reuses it). */
  static boolean cached() {
    if (!Files.isDirectory(cache())) {
      return false;
    }
    try (Stream<Path> entries = Files.list(cache())) {
      return entries.anyMatch(
          p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    } catch (IOException e) {
      return false;
    }
  }

  static Path ensureBuilt(StoryContext story) throws IOException, InterruptedException {
    if (!cached()) {
      story
          .narrator()
          .detail("pretraining the tiny base once into " + cache() + " (about four minutes)");
    }
    Path log = story.target().scratch().resolve("tiny-base.log");
    Path out = story.target().scratch().resolve("tiny-base.path");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    SandboxLayout.java().toString(),
                    "-Dai.djl.offline=true",
                    "-cp",
                    story.target().trainerJar().toString(),
                    "dev.lathe.engine.tinybase.TinyBaseModel"))
            .redirectOutput(out.toFile())
            .redirectError(log.toFile());
    builder
        .environment()
        .putAll(
            Map.of(
                "OPT_OUT_TRACKING",
                "true",
                "DJL_CACHE_DIR",
                SandboxLayout.cache().resolve("djl").toString()));
    Process process = builder.start();
    try {
      if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("the tiny base model could not be built; see " + log);
      }
    } finally {
      process.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(out);
    if (lines.isEmpty()) {
      throw new IllegalStateException("TinyBaseModel printed no path; see " + log);
    }
    return Path.of(lines.get(lines.size() - 1).strip());
  }
}
