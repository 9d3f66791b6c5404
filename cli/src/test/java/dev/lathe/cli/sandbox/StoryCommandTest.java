package dev.lathe.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.cli.LatheRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryCommandTest {

  @TempDir Path dir;

  @Test
  void withoutAKubeconfigTheStoryRefusesNamingTheOptionAndItsVariable() {
    LatheRun result = LatheRun.of("story", "--volume-root", dir.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--kubeconfig or $LATHE_E2E_KUBECONFIG is required");
  }

  @Test
  void aVolumeRootThatIsNotADirectoryIsRefusedBeforeTheClusterIsAsked() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");

    LatheRun result =
        LatheRun.of(
            "story",
            "--kubeconfig",
            kubeconfig.toString(),
            "--volume-root",
            dir.resolve("absent/volumes").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--volume-root " + dir.resolve("absent/volumes") + ": no such directory");
  }

  @Test
  void onAClusterWithLatheInstalledTheStoryStartsAtTheBaseModelAndKeepsEveryOtherStep() {
    var installed = Story.withLatheInstalled().stream().map(StoryStep::title).toList();
    var sandbox = Story.today().stream().map(StoryStep::title).toList();

    assertThat(installed.get(0)).contains("ModelVersion tiny-base");
    assertThat(installed).containsExactlyElementsOf(sandbox.subList(1, sandbox.size()));
    assertThat(sandbox.get(0)).contains("signing key");
  }
}
