package dev.lathe.cli.status;

import dev.lathe.cli.ClusterTarget;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lathe status KIND/NAME [--watch]}: one Lathe resource as a person wants to read it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a FineTuneJob, ModelVersion or ModelDeployment at a glance.",
      "ftj/NAME: progress bar, step/total, loss, ETA, queue state, conditions.",
      "mv/NAME: verification, signer key, artifact digest, lineage summary, conditions.",
      "md/NAME: served version, ready replicas, endpoint, rollout steps and gates, conditions.",
      "With --watch it redraws on every change (on a terminal; elsewhere it appends blocks)."
    })
public final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ftj|mv|md/NAME", description = "The resource, kubectl's way.")
  String resource;

  @Mixin ClusterTarget target = new ClusterTarget();

  @Option(
      names = {"-w", "--watch"},
      description = "Keep watching and show every change until Ctrl-C.")
  boolean watch;

  /** Set by tests: whether the output is a terminal that can be redrawn in place. */
  Boolean terminal;

  /** Set by tests: the clock ages and ETAs are computed against. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    ResourceRef ref = ResourceRef.parse(resource);
    try (KubernetesClient client = target.connect()) {
      String ns = target.namespace(client);
      Class<? extends CustomResource<?, ?>> type = StatusViews.typeOf(ref.kind());
      if (!watch) {
        CustomResource<?, ?> found =
            client.resources(type).inNamespace(ns).withName(ref.name()).get();
        if (found == null) {
          throw new IllegalArgumentException(ref + " not found in namespace " + ns);
        }
        spec.commandLine().getOut().print(StatusViews.render(found, clock.instant()));
        spec.commandLine().getOut().flush();
        return 0;
      }
      boolean redraw = terminal != null ? terminal : System.console() != null;
      StatusScreen screen = new StatusScreen(spec.commandLine().getOut(), redraw);
      new StatusWatch(client, type, ns, ref, clock).run(screen);
      return 0;
    }
  }
}
