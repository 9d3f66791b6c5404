package dev.lathe.cli.rollout;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The kubeconfig and namespace options of the rollout commands, as kubectl spells them. */
final class ClusterTarget {

  @Option(
      names = {"-n", "--namespace"},
      description = "Its namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(
      names = "--kubeconfig",
      description = "The kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  /** Set by tests: the client to use instead of one from the kubeconfig. */
  KubernetesClient client;

  KubernetesClient connect() throws IOException {
    if (client != null) {
      return client;
    }
    Config config =
        kubeconfig == null
            ? Config.autoConfigure(null)
            : Config.fromKubeconfig(Files.readString(kubeconfig));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  String namespace(KubernetesClient connected) {
    return namespace != null
        ? namespace
        : Optional.ofNullable(connected.getConfiguration().getNamespace()).orElse("default");
  }
}
