package dev.lathe.cli;

import dev.lathe.cli.rollout.AbortCommand;
import dev.lathe.cli.rollout.PromoteCommand;
import dev.lathe.cli.sandbox.SandboxCommand;
import dev.lathe.cli.sandbox.StoryCommand;
import dev.lathe.cli.status.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lathe}: signs, verifies and traces Lathe model artifacts. Installed as {@code
 * kubectl-lathe} it is also a kubectl plugin ({@code kubectl lathe verify ...}).
 */
@Command(
    name = "lathe",
    mixinStandardHelpOptions = true,
    version = "lathe 0.1.0",
    description =
        "Sign, verify and trace fine-tuned models kept in your own storage; watch Lathe's resources.",
    subcommands = {
      KeysCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      LineageCommand.class,
      StatusCommand.class,
      PromoteCommand.class,
      AbortCommand.class,
      SandboxCommand.class,
      StoryCommand.class,
      BenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (for verify: the artifact verified)",
      "1:verification failed: the artifact is unsigned, tampered or signed by an untrusted key",
      "2:usage error",
      "3:unreadable input, unreachable storage or cluster"
    })
public final class LatheCommand {

  private LatheCommand() {}

  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(LatheCommand.class);
    commandLine.setExecutionExceptionHandler(new Failures());
    return commandLine;
  }

  public static void main(String[] args) {
    CommandLine commandLine = commandLine();
    int code = commandLine.execute(args);
    // System.exit does not flush picocli's writers: output printed without a newline would be lost.
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(code);
  }
}
