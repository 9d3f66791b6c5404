package dev.lathe.cli.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lathe promote md/NAME}: approves the step a ModelDeployment's rollout holds at. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Approve the step a ModelDeployment's rollout holds at: a pause without duration, or a",
      "gate that could not decide. Bound to the candidate's digest (the one in status unless",
      "--digest names the one you reviewed): the operator refuses it for any other candidate.",
      "Writes the annotation lathe.dev/promote, never the spec."
    })
public final class PromoteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "md/NAME", description = "The ModelDeployment, kubectl's way.")
  String resource;

  @Option(names = "--digest", description = "The candidate digest you approve (sha256:...).")
  String digest;

  @Mixin ClusterTarget target = new ClusterTarget();

  @Override
  public Integer call() throws Exception {
    String name = RolloutCommands.deploymentName(resource);
    KubernetesClient client = target.connect();
    try {
      String said =
          new RolloutAction(client, target.namespace(client), name)
              .promote(Optional.ofNullable(digest));
      spec.commandLine().getOut().println(said);
      return 0;
    } finally {
      if (target.client == null) {
        client.close();
      }
    }
  }
}
