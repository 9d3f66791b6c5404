package dev.lathe.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The kubeconfig and namespace options of the commands that read the cluster, kubectl's way. */
public final class ClusterTarget {

  @Option(
      names = {"-n", "--namespace"},
      description = "Its namespace (default: the kubeconfig context's, else default).")
  public String namespace;

  @Option(
      names = "--kubeconfig",
      description = "The kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
  public Path kubeconfig;

  /** Set by tests: the client to use instead of one from the kubeconfig. */
  public KubernetesClient client;

  /** A client from the kubeconfig (or the one a test set): the caller closes it. */
  public KubernetesClient connect() throws IOException {
    if (client != null) {
      return client;
    }
    Config config =
        kubeconfig == null
            ? Config.autoConfigure(null)
            : Config.fromKubeconfig(Files.readString(kubeconfig));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public String namespace(KubernetesClient connected) {
    return namespace != null
        ? namespace
        : Optional.ofNullable(connected.getConfiguration().getNamespace()).orElse("default");
  }
}
