package dev.lathe.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.cli.LatheCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StoryCommandTest {

  @TempDir Path dir;

  @Test
  void withoutAKubeconfigTheStoryRefusesNamingTheOptionAndItsVariable() {
    Result result = run("story", "--volume-root", dir.toString());

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("--kubeconfig or $LATHE_E2E_KUBECONFIG is required");
  }

  @Test
  void aVolumeRootThatIsNotADirectoryIsRefusedBeforeTheClusterIsAsked() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");

    Result result =
        run(
            "story",
            "--kubeconfig",
            kubeconfig.toString(),
            "--volume-root",
            dir.resolve("absent/volumes").toString());

    assertThat(result.code()).isEqualTo(2);
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

  private static Result run(String... args) {
    CommandLine commandLine = LatheCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}
}
