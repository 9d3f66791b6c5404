package dev.lathe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * A {@code lathe} command run in this JVM as a user types it, with what it printed: how the
 * sandbox's story types its commands, and how tests run them.
 *
 * @param exitCode its exit status
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
public record LatheRun(int exitCode, String out, String err) {

  public static LatheRun of(String... args) {
    CommandLine commandLine = LatheCommand.commandLine(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new LatheRun(code, out.toString(), err.toString());
  }
}
