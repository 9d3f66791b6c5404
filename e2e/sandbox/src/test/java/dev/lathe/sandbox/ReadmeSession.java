package dev.lathe.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The README's kubectl session, read from README.md itself so that what a newcomer types is what
 * the test runs: the shell block after the comment that names this test, one command a line.
 */
final class ReadmeSession {

  static final String MARKER = "<!-- run by SandboxAsExistingClusterIT";

  /** How long a {@code --watch} line runs before the script ends it, as a person's Ctrl-C would. */
  static final int WATCH_SECONDS = 30;

  /** A comment at a line's end, after two spaces: a jsonpath's '#' never follows two spaces. */
  private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s{2,}#.*$");

  private ReadmeSession() {}

  /** The session's commands, in order, as the README shows them. */
  static List<String> commands(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme);
    int marker = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(MARKER)) {
        marker = i;
      }
    }
    if (marker < 0 || marker + 1 >= lines.size() || !lines.get(marker + 1).startsWith("```")) {
      throw new IllegalStateException(
          readme + " has no shell block right after a line starting " + MARKER);
    }
    List<String> commands = new ArrayList<>();
    for (int i = marker + 2; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
      if (!lines.get(i).isBlank()) {
        commands.add(lines.get(i));
      }
    }
    return commands;
  }

  /**
   * The commands as one bash script that stops at the first failure, echoing each command: a {@code
   * --watch} line is ended after {@link #WATCH_SECONDS}, which is a success.
   */
  static String script(List<String> commands) {
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (String command : commands) {
      String bare = TRAILING_COMMENT.matcher(command).replaceFirst("");
      script.append("echo '$ '").append(quoted(bare)).append('\n');
      if (bare.contains(" --watch")) {
        script
            .append("timeout ")
            .append(WATCH_SECONDS)
            .append(' ')
            .append(bare)
            .append(" || test $? -eq 124\n");
      } else {
        script.append(bare).append('\n');
      }
    }
    return script.toString();
  }

  private static String quoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
