package dev.lathe.cli.sandbox;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the sandbox finds what it runs (a checkout of Lathe, built) and where it keeps its state.
 * The sandbox is a development convenience run from a checkout, so the jars are found there.
 */
record SandboxLayout(Path repository, Path state) {

  static SandboxLayout locate(Path stateOverride) {
    Path repository = repositoryRoot();
    Path state = stateOverride;
    if (state == null) {
      String fromEnv = System.getenv("LATHE_LOCAL_STATE");
      state = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : cache().resolve("local");
    }
    return new SandboxLayout(repository, state.toAbsolutePath());
  }

  /** ${LATHE_CACHE:-~/.cache/lathe}: built binaries, venvs, the tiny base. */
  static Path cache() {
    String cache = System.getenv("LATHE_CACHE");
    return cache == null || cache.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "lathe")
        : Path.of(cache);
  }

  Path kubeconfig() {
    return state.resolve("kubeconfig");
  }

  Path keys() {
    return state.resolve("keys");
  }

  /** ROOT/NAMESPACE/CLAIM: where the local node keeps the claims' files. */
  Path volumes() {
    return state.resolve("kubelet").resolve("volumes");
  }

  Path operatorJar() {
    return repository.resolve("operator/target/lathe-operator.jar");
  }

  Path trainerJar() {
    return repository.resolve("trainer-image/target/lathe-trainer.jar");
  }

  Path runtimeJar() {
    return repository.resolve("runtime-image/target/lathe-runtime.jar");
  }

  /** The trainer image's ENTRYPOINT script (its pod's JVM and allocator settings). */
  Path trainerEntryPoint() {
    return repository.resolve("trainer-image/bin/lathe-trainer");
  }

  /** The runtime image's ENTRYPOINT script (its pod's JVM and allocator settings). */
  Path runtimeEntryPoint() {
    return repository.resolve("runtime-image/bin/lathe-runtime");
  }

  Path cliJar() {
    return repository.resolve("cli/target/lathe-cli.jar");
  }

  Path controlPlaneGoMod() {
    return repository.resolve("e2e/control-plane/go.mod");
  }

  Path gatewayGoMod() {
    return repository.resolve("e2e/gateway/go.mod");
  }

  /** Where the local control plane writes the gateway's URL when it runs one. */
  Path gatewayUrl() {
    return state.resolve("gateway-url");
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The jars the sandbox runs that are not built, each as a path. */
  List<Path> missingJars() {
    List<Path> missing = new ArrayList<>();
    for (Path jar : List.of(operatorJar(), trainerJar(), runtimeJar(), cliJar())) {
      if (!Files.isRegularFile(jar)) {
        missing.add(jar);
      }
    }
    return missing;
  }

  /** The checkout this CLI was built in (cli/target/…), else the nearest one above the cwd. */
  private static Path repositoryRoot() {
    Optional<Path> fromJar = codeLocation().flatMap(SandboxLayout::checkoutAbove);
    return fromJar
        .or(() -> checkoutAbove(Path.of("").toAbsolutePath()))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "lathe sandbox runs from a checkout of Lathe (crds/, pom.xml); none above "
                        + Path.of("").toAbsolutePath()));
  }

  private static Optional<Path> codeLocation() {
    try {
      return Optional.of(
          Path.of(SandboxLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> checkoutAbove(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }
}
