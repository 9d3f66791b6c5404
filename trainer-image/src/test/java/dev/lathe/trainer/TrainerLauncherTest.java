package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's entry point, bin/lathe-trainer, run with a stand-in {@code java} that prints what it
 * was given: the allocator defaults a training pod gets, a pod's own values kept, and the command
 * line passed on to the jar.
 */
class TrainerLauncherTest {

  private static final Path LAUNCHER = Path.of("bin", "lathe-trainer").toAbsolutePath();

  @TempDir Path dir;

  private List<String> launch(Map<String, String> env, String... args) throws Exception {
    Path fakeJava = dir.resolve("jdk/bin/java");
    Files.createDirectories(fakeJava.getParent());
    Files.writeString(
        fakeJava,
        "#!/bin/sh\n"
            + "echo \"mmap=$MALLOC_MMAP_THRESHOLD_ trim=$MALLOC_TRIM_THRESHOLD_"
            + " pad=$MALLOC_TOP_PAD_\"\n"
            + "echo \"$@\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("MALLOC_"));
    builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    builder.environment().put("LATHE_TRAINER_JAR", "/opt/lathe/lathe-trainer.jar");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .toList();
    assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    return lines;
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void aTrainingPodKeepsFreedMemoryInTheHeapForTheNextStep() throws Exception {
    List<String> printed = launch(Map.of(), "train");

    assertThat(printed.get(0)).isEqualTo("mmap=33554432 trim=4294967296 pad=67108864");
    assertThat(printed.get(1))
        .isEqualTo("-Dai.djl.offline=true -jar /opt/lathe/lathe-trainer.jar train");
  }

  @Test
  void aPodsOwnAllocatorSettingsWin() throws Exception {
    List<String> printed =
        launch(
            Map.of("MALLOC_TRIM_THRESHOLD_", "131072", "MALLOC_MMAP_THRESHOLD_", "1048576"),
            "bench",
            "tiny");

    assertThat(printed.get(0)).isEqualTo("mmap=1048576 trim=131072 pad=67108864");
    assertThat(printed.get(1))
        .isEqualTo("-Dai.djl.offline=true -jar /opt/lathe/lathe-trainer.jar bench tiny");
  }
}
