package dev.lathe.runtime;

import dev.lathe.runtime.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The runtime image's program: fetch-and-verify, serve, evaluate and bench. */
@Command(
    name = "lathe-runtime",
    mixinStandardHelpOptions = true,
    subcommands = {
      FetchAndVerifyCommand.class,
      ServeCommand.class,
      EvaluateCommand.class,
      BenchCommand.class
    },
    description = "Lathe's runtime: verified loading and an OpenAI-compatible inference server.")
public final class RuntimeMain implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new RuntimeMain()).execute(args);
    if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
      System.exit(code);
    }
  }
}
