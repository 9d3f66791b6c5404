package dev.lathe.chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real kubectl against one kubeconfig. */
final class Kubectl {

  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  Command.Result run(String stdin, String... args) {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return Command.run(Map.of(), command, stdin);
  }

  /**
   * Whether {@code serviceAccount} may do {@code verb} on {@code resource} (kubectl auth can-i,
   * impersonating it: exit 0 is yes, 1 is no, anything else an error).
   */
  boolean canI(String serviceAccount, String verb, String resource, String... scope) {
    List<String> args =
        new ArrayList<>(List.of("auth", "can-i", verb, resource, "--as=" + serviceAccount));
    args.addAll(List.of(scope));
    Command.Result answer = run(null, args.toArray(String[]::new));
    if (answer.exitCode() > 1) {
      throw new AssertionError("kubectl auth can-i failed: " + answer.stderr());
    }
    return answer.exitCode() == 0;
  }
}
