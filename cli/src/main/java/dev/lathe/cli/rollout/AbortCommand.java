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

/** {@code lathe abort md/NAME}: ends a ModelDeployment's rollout and sends traffic to stable. */
@Command(
    name = "abort",
    mixinStandardHelpOptions = true,
    description = {
      "Abort a ModelDeployment's rollout: the candidate's traffic goes back to stable at once",
      "and its pods go after scaleDownDelay; it stays Degraded (RolloutAborted) until the spec",
      "names another version. Bound to the candidate's digest like promote. Writes the",
      "annotation lathe.dev/abort, never the spec."
    })
public final class AbortCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "md/NAME", description = "The ModelDeployment, kubectl's way.")
  String resource;

  @Option(names = "--digest", description = "The candidate digest you abort (sha256:...).")
  String digest;

  @Mixin ClusterTarget target = new ClusterTarget();

  @Override
  public Integer call() throws Exception {
    String name = RolloutCommands.deploymentName(resource);
    KubernetesClient client = target.connect();
    try {
      String said =
          new RolloutAction(client, target.namespace(client), name)
              .abort(Optional.ofNullable(digest));
      spec.commandLine().getOut().println(said);
      return 0;
    } finally {
      if (target.client == null) {
        client.close();
      }
    }
  }
}
