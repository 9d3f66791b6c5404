package dev.lathe.cli.rollout;

import dev.lathe.cli.ClusterTarget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What {@code lathe promote} and {@code lathe abort} share: a word on one rollout, said once. */
abstract class RolloutWordCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "md/NAME", description = "The ModelDeployment, kubectl's way.")
  String resource;

  @Option(
      names = "--digest",
      description = "The candidate digest (sha256:...) you reviewed; default: the one in status.")
  String digest;

  @Mixin ClusterTarget target = new ClusterTarget();

  /** Says the word through {@code action}, returning what was written. */
  abstract String say(RolloutAction action, Optional<String> digest);

  @Override
  public Integer call() throws Exception {
    String name = RolloutCommands.deploymentName(resource);
    KubernetesClient client = target.connect();
    try {
      String said =
          say(
              new RolloutAction(client, target.namespace(client), name),
              Optional.ofNullable(digest));
      spec.commandLine().getOut().println(said);
      return 0;
    } finally {
      if (target.client == null) {
        client.close();
      }
    }
  }
}
