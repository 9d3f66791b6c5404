package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every command the README shows is run by something, and docs/commands.md says what: the README's
 * only shell block is its kubectl session (which {@link SandboxAsExistingClusterIT} runs), and
 * every command it quotes inline is listed in the table.
 */
class ReadmeCommandsTest {

  private static final Path REPOSITORY = SandboxSignalsIT.repository();
  private static final Path README = REPOSITORY.resolve("README.md");
  private static final List<String> COMMAND_WORDS =
      List.of("./scripts/", "mvn ", "apt-get ", "kubectl ", "lathe ", "java ", "helm ", "curl ");
  private static final Pattern SPAN = Pattern.compile("`([^`]+)`");

  @Test
  void theReadmesOnlyShellBlockIsTheKubectlSessionATestRuns() throws IOException {
    List<String> lines = Files.readAllLines(README);
    List<Integer> shellBlocks = new ArrayList<>();
    boolean code = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("```")) {
        if (!code && line.matches("```(sh|bash|shell|console)")) {
          shellBlocks.add(i);
        }
        code = !code;
      }
    }
    assertThat(shellBlocks).as("shell blocks in README.md").hasSize(1);
    assertThat(lines.get(shellBlocks.get(0) - 1)).startsWith(ReadmeSession.MARKER);
    assertThat(ReadmeSession.commands(README))
        .as("the session")
        .anyMatch(c -> c.startsWith("kubectl lathe promote"))
        .anyMatch(c -> c.startsWith("kubectl lathe abort"))
        .anyMatch(c -> c.contains(" --watch"));
  }

  @Test
  void everyCommandTheReadmeQuotesIsInTheTableOfWhatRunsIt() throws IOException {
    String table = Files.readString(REPOSITORY.resolve("docs/commands.md"));
    List<String> unlisted =
        inlineCommands(Files.readString(README)).stream()
            .filter(c -> !table.contains("`" + c + "`"))
            .toList();
    assertThat(unlisted).as("README commands missing from docs/commands.md").isEmpty();
  }

  @Test
  void aQuotedCommandIsTakenFromProseAndOtherCodeIsNot() {
    assertThat(inlineCommands("run `./scripts/sandbox.sh`, see `status.endpoint` and `mvn -q x`"))
        .containsExactly("./scripts/sandbox.sh", "mvn -q x");
  }

  @Test
  void theSessionScriptEndsAWatchAfterItsTimeAndKeepsAJsonpathIntact() {
    String script =
        ReadmeSession.script(
            List.of(
                "kubectl lathe status md/x -n demo --watch   # Ctrl-C leaves",
                "kubectl wait md/x --for=jsonpath='{.status.a}'=v1"));

    assertThat(script)
        .startsWith("set -euo pipefail\n")
        .contains("\ntimeout 30 kubectl lathe status md/x -n demo --watch || test $? -eq 124\n")
        .contains("\nkubectl wait md/x --for=jsonpath='{.status.a}'=v1\n")
        .doesNotContain("Ctrl-C leaves");
  }

  /** Inline code spans outside code blocks that start with a command's word. */
  static List<String> inlineCommands(String markdown) {
    List<String> commands = new ArrayList<>();
    boolean code = false;
    for (String line : markdown.split("\n")) {
      if (line.strip().startsWith("```")) {
        code = !code;
        continue;
      }
      if (code) {
        continue;
      }
      Matcher span = SPAN.matcher(line);
      while (span.find()) {
        String text = span.group(1);
        if (COMMAND_WORDS.stream().anyMatch(text::startsWith)
            || text.equals("./scripts/sandbox.sh")) {
          commands.add(text);
        }
      }
    }
    return commands;
  }
}
