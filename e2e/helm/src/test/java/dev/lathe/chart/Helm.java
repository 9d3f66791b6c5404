package dev.lathe.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real helm CLI, with its cache, configuration and data in a directory of its own (so a test
 * never reads or writes the user's ~/.config/helm), against {@code kubeconfig} when one is given.
 */
final class Helm {

  static final String KUBE_VERSION = "v1.36.3";

  private final Map<String, String> environment = new HashMap<>();

  Helm(Path kubeconfig) {
    try {
      Path home = Files.createTempDirectory("lathe-helm-");
      environment.put("HELM_CACHE_HOME", home.resolve("cache").toString());
      environment.put("HELM_CONFIG_HOME", home.resolve("config").toString());
      environment.put("HELM_DATA_HOME", home.resolve("data").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    environment.put(
        "KUBECONFIG", kubeconfig == null ? "/nonexistent/kubeconfig" : kubeconfig.toString());
  }

  /** Without a cluster: lint and template only. */
  static Helm offline() {
    return new Helm(null);
  }

  Command.Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(GoTools.helm().toString());
    command.addAll(List.of(args));
    return Command.run(environment, command);
  }

  /**
   * {@code helm template} of the repository's chart with {@code sets} (key=value each), for the
   * Kubernetes version the tests' control plane runs (offline, helm would assume v1.20, which the
   * chart's kubeVersion refuses).
   */
  Command.Result template(String... sets) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                "lathe",
                chart(),
                "-n",
                "lathe-system",
                "--kube-version",
                KUBE_VERSION));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return run(args.toArray(String[]::new));
  }

  /** {@code helm template} with {@code values} (YAML) as a values file. */
  Command.Result templateWithValues(String values) {
    try {
      Path file = Files.createTempFile("lathe-values-", ".yaml");
      Files.writeString(file, values);
      return run(
          "template",
          "lathe",
          chart(),
          "-n",
          "lathe-system",
          "--kube-version",
          KUBE_VERSION,
          "-f",
          file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String chart() {
    return RepositoryRoot.chart().toString();
  }
}
