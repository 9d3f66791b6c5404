package dev.lathe.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A cluster where Lathe is installed, as the e2e suite is told of one ({@code LATHE_E2E_*}
 * variables, docs/e2e.md), for {@code lathe story} to play on.
 *
 * @param kubeconfig its kubeconfig ({@code LATHE_E2E_KUBECONFIG})
 * @param volumeRoot where its claims are seen from here, ROOT/NAMESPACE/CLAIM ({@code
 *     LATHE_E2E_VOLUME_ROOT})
 * @param signingKey a private key whose public half its trust policy holds ({@code
 *     LATHE_E2E_SIGNING_KEY})
 * @param trustedKey its operator's public key ({@code LATHE_E2E_TRUSTED_KEY})
 */
record ExistingCluster(Path kubeconfig, Path volumeRoot, Path signingKey, Path trustedKey) {

  static final String KUBECONFIG = "LATHE_E2E_KUBECONFIG";
  static final String VOLUME_ROOT = "LATHE_E2E_VOLUME_ROOT";
  static final String SIGNING_KEY = "LATHE_E2E_SIGNING_KEY";
  static final String TRUSTED_KEY = "LATHE_E2E_TRUSTED_KEY";

  /**
   * The cluster the variables name; empty when {@code LATHE_E2E_KUBECONFIG} is not set. With it
   * set, every other variable is required, and a missing one is an error naming it.
   */
  static Optional<ExistingCluster> from(UnaryOperator<String> environment) {
    String kubeconfig = environment.apply(KUBECONFIG);
    if (kubeconfig == null || kubeconfig.isBlank()) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    for (String name : List.of(VOLUME_ROOT, SIGNING_KEY, TRUSTED_KEY)) {
      String value = environment.apply(name);
      if (value == null || value.isBlank()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          KUBECONFIG + " is set, so " + String.join(", ", missing) + " must be too (docs/e2e.md)");
    }
    return Optional.of(
        new ExistingCluster(
            Path.of(kubeconfig),
            Path.of(environment.apply(VOLUME_ROOT)),
            Path.of(environment.apply(SIGNING_KEY)),
            Path.of(environment.apply(TRUSTED_KEY))));
  }

  /** The variables that name this cluster, for {@code lathe story}. */
  Map<String, String> variables() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put(KUBECONFIG, kubeconfig.toString());
    variables.put(VOLUME_ROOT, volumeRoot.toString());
    variables.put(SIGNING_KEY, signingKey.toString());
    variables.put(TRUSTED_KEY, trustedKey.toString());
    return variables;
  }
}
