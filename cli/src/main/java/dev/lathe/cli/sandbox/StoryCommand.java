package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lathe story}: the sandbox's story, step for step the same, played on a cluster where Lathe
 * is already installed (by the chart, or a {@code lathe sandbox --no-demo}) instead of on a local
 * control plane this command starts. The e2e suite runs it against {@code LATHE_E2E_KUBECONFIG};
 * every option defaults to its {@code LATHE_E2E_*} variable (docs/e2e.md).
 */
@Command(
    name = "story",
    mixinStandardHelpOptions = true,
    description = {
      "Play the sandbox's story on a cluster where Lathe is installed: base model, LoRA"
          + " fine-tune, serving, a canary promoted, a canary rolled back, lineage.",
      "Starts nothing: the operator, its signing key and trust policy, and a gateway (or"
          + " endpoints reachable from here) must be there. Uses namespace "
          + StoryContext.NAMESPACE
          + ". Runs from a built checkout (the tiny base model is pretrained from the trainer"
          + " jar)."
    })
public final class StoryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      defaultValue = "${env:LATHE_E2E_KUBECONFIG}",
      description = "The cluster's kubeconfig (default: $LATHE_E2E_KUBECONFIG).")
  Path kubeconfig;

  @Option(
      names = "--volume-root",
      paramLabel = "DIR",
      defaultValue = "${env:LATHE_E2E_VOLUME_ROOT}",
      description =
          "Where the cluster's claims are seen from here, as ROOT/NAMESPACE/CLAIM; the story"
              + " writes its datasets and base model there (default: $LATHE_E2E_VOLUME_ROOT).")
  Path volumes;

  @Option(
      names = "--signing-key",
      paramLabel = "PEM",
      defaultValue = "${env:LATHE_E2E_SIGNING_KEY}",
      description =
          "Private key the base model is signed with; its public half must be in the trust"
              + " policy (default: $LATHE_E2E_SIGNING_KEY).")
  Path signingKey;

  @Option(
      names = "--trusted-key",
      paramLabel = "PEM",
      defaultValue = "${env:LATHE_E2E_TRUSTED_KEY}",
      description =
          "The operator's public key, which the lineage is verified against (default:"
              + " $LATHE_E2E_TRUSTED_KEY).")
  Path trustedKey;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      defaultValue = "${env:LATHE_E2E_STATE}",
      description =
          "Where the story's logs go (default: $LATHE_E2E_STATE, else ~/.cache/lathe/e2e).")
  Path state;

  @Override
  public Integer call() throws Exception {
    requireFile(kubeconfig, "--kubeconfig", "LATHE_E2E_KUBECONFIG");
    requireDirectory(volumes, "--volume-root", "LATHE_E2E_VOLUME_ROOT");
    requireFile(signingKey, "--signing-key", "LATHE_E2E_SIGNING_KEY");
    requireFile(trustedKey, "--trusted-key", "LATHE_E2E_TRUSTED_KEY");
    Path scratch = state != null ? state : SandboxLayout.cache().resolve("e2e");
    SandboxLayout layout = SandboxLayout.locate(scratch);
    if (!Files.isRegularFile(layout.trainerJar())) {
      throw new IllegalArgumentException(
          "not built: "
              + layout.trainerJar()
              + ". Build with mvn -B -ntp -DskipTests install -pl trainer-image,cli -am");
    }
    Files.createDirectories(layout.state());
    Narrator narrator = new Narrator(spec.commandLine().getOut());
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      requireFreshNamespace(client);
      narrator.phase(
          "playing the story on " + config.getMasterUrl() + " (kubeconfig " + kubeconfig + ")");
      StoryTarget target =
          new StoryTarget(
              client,
              kubeconfig.toAbsolutePath(),
              volumes.toAbsolutePath(),
              signingKey.toAbsolutePath(),
              trustedKey.toAbsolutePath(),
              layout.state(),
              layout.trainerJar());
      // Nothing of that cluster is this process's to watch over: each of the story's waits has
      // its own limit, and a cluster that stops answering fails the step that waits on it.
      Story.play(Story.withLatheInstalled(), new StoryContext(target, narrator, () -> {}));
    }
    return 0;
  }

  /**
   * The story's resources have fixed names and immutable specs: in a namespace that holds an
   * earlier run's, its applies would fail half way through, so it refuses up front.
   */
  private static void requireFreshNamespace(KubernetesClient client) {
    List<String> left = new ArrayList<>();
    for (Class<? extends CustomResource<?, ?>> type :
        List.of(FineTuneJob.class, ModelVersion.class, ModelDeployment.class)) {
      client.resources(type).inNamespace(StoryContext.NAMESPACE).list().getItems().stream()
          .map(r -> r.getKind() + " " + r.getMetadata().getName())
          .forEach(left::add);
    }
    if (!left.isEmpty()) {
      throw new IllegalArgumentException(
          "namespace "
              + StoryContext.NAMESPACE
              + " already holds "
              + String.join(", ", left)
              + " from an earlier run; delete it first (kubectl delete namespace "
              + StoryContext.NAMESPACE
              + ")");
    }
  }

  private static void requireFile(Path path, String option, String variable) {
    if (path == null) {
      throw new IllegalArgumentException(option + " or $" + variable + " is required");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(option + " " + path + ": no such file");
    }
  }

  private static void requireDirectory(Path path, String option, String variable) {
    if (path == null) {
      throw new IllegalArgumentException(option + " or $" + variable + " is required");
    }
    // A node that has made no claim yet may not have made its root either; its parent it has.
    Path parent = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(path) && (parent == null || !Files.isDirectory(parent))) {
      throw new IllegalArgumentException(option + " " + path + ": no such directory");
    }
  }
}
