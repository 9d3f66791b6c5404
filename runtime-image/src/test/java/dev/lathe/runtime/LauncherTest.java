package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/lathe-runtime, the image's entry point: its memory defaults reach the JVM and glibc, a pod's
 * own JAVA_TOOL_OPTIONS and MALLOC_ variables win over them, and the command line passes through.
 * The launcher runs under a JAVA_HOME whose java reports what it was given; the options it hands on
 * then start a real JVM, whose final flags show which won.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("bin/lathe-runtime").toAbsolutePath();

  @TempDir Path javaHome;

  @BeforeEach
  void aJavaThatReportsItsEnvironmentAndArguments() throws IOException {
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "echo \"JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS\"\n"
            + "echo \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"\n"
            + "echo \"MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_\"\n"
            + "echo \"ARGS=$*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aPodWithoutSettingsGetsSerialGcASmallInitialHeapATrimmedNativeHeapAndBoundedMallocArenas()
      throws Exception {
    Map<String, String> given = launch(Map.of(), "serve", "--port", "8000");

    assertThat(given)
        .containsEntry(
            "JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -Xms32m -XX:TrimNativeHeapInterval=5000")
        .containsEntry("MALLOC_ARENA_MAX", "2")
        .containsEntry("MALLOC_MMAP_THRESHOLD_", "1048576");
    assertThat(given.get("ARGS"))
        .endsWith("/lathe-runtime.jar serve --port 8000")
        .startsWith("-Dai.djl.offline=true -jar ");
    assertThat(jvmFlags(given.get("JAVA_TOOL_OPTIONS")))
        .containsEntry("UseSerialGC", "true")
        .containsEntry("InitialHeapSize", Long.toString(32L << 20))
        .containsEntry("TrimNativeHeapInterval", "5000");
  }

  @Test
  void aPodsOwnJavaToolOptionsComeAfterTheDefaultsAndWin() throws Exception {
    Map<String, String> given =
        launch(Map.of("JAVA_TOOL_OPTIONS", "-Xms64m -Xmx256m", "MALLOC_ARENA_MAX", "8"), "serve");

    assertThat(given)
        .containsEntry(
            "JAVA_TOOL_OPTIONS",
            "-XX:+UseSerialGC -Xms32m -XX:TrimNativeHeapInterval=5000 -Xms64m -Xmx256m")
        .containsEntry("MALLOC_ARENA_MAX", "8");
    assertThat(jvmFlags(given.get("JAVA_TOOL_OPTIONS")))
        .containsEntry("InitialHeapSize", Long.toString(64L << 20))
        .containsEntry("MaxHeapSize", Long.toString(256L << 20));
  }

  @Test
  void aPodThatNamesACollectorGetsItInsteadOfSerialAndTheJvmStarts() throws Exception {
    Map<String, String> given = launch(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC"), "serve");

    assertThat(given)
        .containsEntry("JAVA_TOOL_OPTIONS", "-Xms32m -XX:TrimNativeHeapInterval=5000 -XX:+UseG1GC");
    assertThat(jvmFlags(given.get("JAVA_TOOL_OPTIONS")))
        .containsEntry("UseG1GC", "true")
        .containsEntry("UseSerialGC", "false");
  }

  /** What the launcher hands java, as NAME=value lines. */
  private Map<String, String> launch(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(LAUNCHER.toString()), List.of(args).stream())
                    .toList())
            .redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.equals("JAVA_TOOL_OPTIONS") || k.startsWith("MALLOC_"));
    builder.environment().putAll(env);
    builder.environment().put("JAVA_HOME", javaHome.toString());
    return lines(run(builder));
  }

  /** The final flags of a real JVM started with these JAVA_TOOL_OPTIONS. */
  private static Map<String, String> jvmFlags(String javaToolOptions) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(java, "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true);
    builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
    Map<String, String> flags = new LinkedHashMap<>();
    for (String line : run(builder).split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 4 && words[2].equals("=")) {
        flags.put(words[1], words[3]);
      }
    }
    return flags;
  }

  private static String run(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }

  private static Map<String, String> lines(String out) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return values;
  }
}
