package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one container process starts with: its command line, environment and working
 * directory, with mount paths (and the termination message path) rewritten to local paths by {@link
 * MountPathRewriter}.
 *
 * <p>The process does not inherit the kubelet's environment, as a container would not, except for
 * what a local program needs to run at all: {@code PATH}, {@code HOME}, {@code JAVA_HOME}, {@code
 * LANG}, {@code LC_ALL}, {@code TZ}, {@code USER}. The kubelet adds {@code HOSTNAME} (the pod's
 * name), {@code KUBERNETES_SERVICE_HOST}/{@code _PORT} pointing at the real API server, and {@code
 * JAVA_TOOL_OPTIONS} naming the node's cluster DNS hosts file ({@link ClusterHostsFile}).
 */
record ContainerLaunch(
    List<String> command, Map<String, String> environment, Path workingDirectory) {

  static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  private static final List<String> INHERITED =
      List.of("PATH", "HOME", "JAVA_HOME", "LANG", "LC_ALL", "TZ", "USER");

  /** What runs, or empty when the image resolver cannot run this container's image. */
  static Optional<ContainerLaunch> prepare(
      Pod pod,
      Container container,
      Map<String, String> declaredEnvironment,
      Map<String, Path> volumes,
      PodSandbox sandbox,
      ImageResolver images,
      URI apiServer,
      ClusterHostsFile clusterHosts) {
    MountPathRewriter rewriter = new MountPathRewriter(localPaths(container, volumes, sandbox));

    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("HOSTNAME", pod.getMetadata().getName());
    env.put("KUBERNETES_SERVICE_HOST", apiServer.getHost());
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(port(apiServer)));
    env.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(port(apiServer)));
    declaredEnvironment.forEach((k, v) -> env.put(k, rewriter.rewrite(v)));
    // Cluster DNS names for the JVMs this node runs (see ClusterHostsFile).
    env.put(
        "JAVA_TOOL_OPTIONS",
        clusterHosts.javaToolOptions(Optional.ofNullable(env.get("JAVA_TOOL_OPTIONS"))));

    Container rewritten =
        new ContainerBuilder(container)
            .withCommand(expandAndRewrite(container.getCommand(), declaredEnvironment, rewriter))
            .withArgs(expandAndRewrite(container.getArgs(), declaredEnvironment, rewriter))
            .build();
    Path workingDirectory = sandbox.directory();
    if (container.getWorkingDir() != null) {
      String local = rewriter.rewrite(container.getWorkingDir());
      if (!local.equals(container.getWorkingDir())) {
        workingDirectory = Path.of(local);
      }
    }
    Path directory = workingDirectory;
    return images
        .commandLine(rewritten)
        .map(command -> new ContainerLaunch(List.copyOf(command), env, directory));
  }

  /**
   * Mount path → local path for this container: each volumeMount's volume directory (with its
   * subPath, created when missing), and the termination message path → the container's file.
   */
  static Map<String, Path> localPaths(
      Container container, Map<String, Path> volumes, PodSandbox sandbox) {
    Map<String, Path> paths = new LinkedHashMap<>();
    if (container.getVolumeMounts() != null) {
      for (VolumeMount mount : container.getVolumeMounts()) {
        Path dir = volumes.get(mount.getName());
        if (dir == null) {
          continue;
        }
        String subPath = mount.getSubPath();
        if (subPath != null && !subPath.isEmpty()) {
          dir = dir.resolve(subPath);
          if (!Files.exists(dir)) {
            // The kubelet creates a missing subPath as a directory, and so does this one.
            createDirectories(dir);
          }
        }
        paths.put(mount.getMountPath(), dir);
      }
    }
    paths.putAll(mountRoots(paths));
    paths.put(
        terminationMessagePath(container), sandbox.terminationMessageFile(container.getName()));
    return paths;
  }

  /**
   * The directories whose children are all mounts backed by side-by-side local directories of the
   * same names (a namespace's claims at /mnt/lathe/volumes/CLAIM, which the node keeps as
   * volumes/NAMESPACE/CLAIM) → that local parent. In a container such a directory lists its mounts;
   * a program told only the parent (the runtime's LATHE_CLAIMS_ROOT) then finds each claim below it
   * here too. A directory that is itself mounted, or whose mounts live apart, maps to nothing; the
   * longest mount path still wins, so each mount keeps its own directory.
   */
  static Map<String, Path> mountRoots(Map<String, Path> mounts) {
    Map<String, Path> roots = new LinkedHashMap<>();
    Set<String> inconsistent = new java.util.HashSet<>();
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      String mountPath = mount.getKey();
      while (mountPath.length() > 1 && mountPath.endsWith("/")) {
        mountPath = mountPath.substring(0, mountPath.length() - 1);
      }
      int slash = mountPath.lastIndexOf('/');
      Path local = mount.getValue();
      if (slash <= 0
          || local.getParent() == null
          || local.getFileName() == null
          || !local.getFileName().toString().equals(mountPath.substring(slash + 1))) {
        continue;
      }
      String parent = mountPath.substring(0, slash);
      Path localParent = local.getParent();
      Path earlier = roots.putIfAbsent(parent, localParent);
      if (earlier != null && !earlier.equals(localParent)) {
        inconsistent.add(parent);
      }
    }
    inconsistent.forEach(roots::remove);
    mounts.keySet().forEach(roots::remove);
    return roots;
  }

  static String terminationMessagePath(Container container) {
    return container.getTerminationMessagePath() == null
            || container.getTerminationMessagePath().isEmpty()
        ? DEFAULT_TERMINATION_MESSAGE_PATH
        : container.getTerminationMessagePath();
  }

  private static List<String> expandAndRewrite(
      List<String> values, Map<String, String> env, MountPathRewriter rewriter) {
    if (values == null) {
      return List.of();
    }
    return values.stream().map(v -> rewriter.rewrite(DependentVariables.expand(v, env))).toList();
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : 443;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
