package dev.lathe.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where e2e/control-plane/build.sh put etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler: {@code $LATHE_K8S_BIN} when set, else {@code
 * ${LATHE_CACHE:-~/.cache/lathe}/k8s/<version>} with the version pinned in the go.mod beside it.
 */
public record ControlPlaneBinaries(Path directory, String kubernetesVersion) {

  static final List<String> NAMES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler");

  private static final Pattern KUBERNETES_REQUIREMENT =
      Pattern.compile("^\\s*k8s\\.io/kubernetes\\s+(v\\S+)", Pattern.MULTILINE);

  public Path etcd() {
    return directory.resolve("etcd");
  }

  public Path apiServer() {
    return directory.resolve("kube-apiserver");
  }

  public Path controllerManager() {
    return directory.resolve("kube-controller-manager");
  }

  public Path scheduler() {
    return directory.resolve("kube-scheduler");
  }

  /** Finds the binaries for the version pinned in {@code goMod}; fails saying how to build them. */
  public static ControlPlaneBinaries locate(Path goMod) {
    String version = pinnedVersion(goMod);
    String explicit = System.getenv("LATHE_K8S_BIN");
    Path directory;
    if (explicit != null && !explicit.isBlank()) {
      directory = Path.of(explicit);
    } else {
      String cache = System.getenv("LATHE_CACHE");
      Path root =
          cache == null || cache.isBlank()
              ? Path.of(System.getProperty("user.home"), ".cache", "lathe")
              : Path.of(cache);
      directory = root.resolve("k8s").resolve(version);
    }
    for (String name : NAMES) {
      if (!Files.isExecutable(directory.resolve(name))) {
        throw new IllegalStateException(
            "the Kubernetes control plane is not built: "
                + directory.resolve(name)
                + " is missing. Run "
                + goMod.resolveSibling("build.sh")
                + " (mvn verify runs it too).");
      }
    }
    return new ControlPlaneBinaries(directory, version);
  }

  static String pinnedVersion(Path goMod) {
    try {
      Matcher matcher = KUBERNETES_REQUIREMENT.matcher(Files.readString(goMod));
      if (!matcher.find()) {
        throw new IllegalStateException(goMod + " does not pin k8s.io/kubernetes");
      }
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
