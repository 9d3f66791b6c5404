package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one pod lives on disk: {@code <root>/pods/<namespace>_<name>_<uid>/}, holding each
 * container's log ({@code <container>.log}), its termination message file ({@code
 * <container>.termination-log}) and the pod's own volumes ({@code volumes/<volume>/}). It is also
 * the containers' working directory. It stays after the pod ends, so a test can read the logs.
 */
record PodSandbox(Path directory) {

  static PodSandbox create(Path root, Pod pod) {
    Path dir =
        root.resolve("pods")
            .resolve(
                pod.getMetadata().getNamespace()
                    + "_"
                    + pod.getMetadata().getName()
                    + "_"
                    + pod.getMetadata().getUid());
    try {
      Files.createDirectories(dir.resolve("volumes"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodSandbox(dir);
  }

  Path log(String container) {
    return directory.resolve(container + ".log");
  }

  Path terminationMessageFile(String container) {
    return directory.resolve(container + ".termination-log");
  }

  Path volume(String name) {
    return directory.resolve("volumes").resolve(name);
  }
}
