package dev.lathe.cli;

import dev.lathe.cli.rollout.AbortCommand;
import dev.lathe.cli.rollout.PromoteCommand;
import dev.lathe.cli.sandbox.SandboxCommand;
import dev.lathe.cli.sandbox.StoryCommand;
import dev.lathe.cli.status.StatusCommand;
import java.util.List;
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
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (for verify: the artifact verified)",
      "1:verification failed: the artifact is unsigned, tampered or signed by an untrusted key",
      "2:usage error",
      "3:unreadable input, unreachable storage or cluster"
    })
public final class LatheCommand {

  /** The subcommands, in the order help lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          KeysCommand.class,
          SignCommand.class,
          VerifyCommand.class,
          LineageCommand.class,
          StatusCommand.class,
          PromoteCommand.class,
          AbortCommand.class,
          SandboxCommand.class,
          StoryCommand.class,
          BenchCommand.class);

  private LatheCommand() {}

  /** The whole command, every subcommand in it. */
  public static CommandLine commandLine() {
    return commandLine(SUBCOMMANDS);
  }

  /**
   * The command for running {@code args}: when the first argument names a subcommand, it alone is
   * built. picocli reads every option of every class it is given, with the classes their fields
   * name (the Kubernetes client's among them), before it parses a word: about a third of a short
   * {@code lathe sign}'s start-up CPU, spent on commands it does not run. Anything else (help, a
   * mistyped name) gets the whole command, so it lists and suggests every subcommand; {@code
   * --version} needs none of them.
   */
  public static CommandLine commandLine(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return commandLine(List.of());
    }
    if (args.length > 0) {
      for (Class<?> subcommand : SUBCOMMANDS) {
        if (subcommand.getAnnotation(Command.class).name().equals(args[0])) {
          return commandLine(List.of(subcommand));
        }
      }
    }
    return commandLine();
  }

  private static CommandLine commandLine(List<Class<?>> subcommands) {
    CommandLine commandLine = new CommandLine(LatheCommand.class);
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
    commandLine.setExecutionExceptionHandler(new Failures());
    return commandLine;
  }

  public static void main(String[] args) {
    // picocli looks for Groovy's Closure class on every command it builds; that lookup opens every
    // jar on the class path, about eighty, before it fails. Lathe declares no closures.
    System.setProperty("picocli.disable.closures", "true");
    CommandLine commandLine = commandLine(args);
    int code = commandLine.execute(args);
    // System.exit does not flush picocli's writers: output printed without a newline would be lost.
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(code);
  }
}
