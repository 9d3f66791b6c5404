package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Says how a container's image runs as a local process on the {@link LocalKubelet}'s node: the
 * whole command line, or empty when this image cannot run here (the pod then fails with reason
 * {@code ImageNotRunnable}).
 *
 * <p>The container handed in already has its command and args rewritten from mount paths to local
 * directories, so a resolver never needs to know about volumes.
 */
@FunctionalInterface
public interface ImageResolver {

  Optional<List<String>> commandLine(Container container);

  /** No image runs: every pod fails with {@code ImageNotRunnable}. */
  static ImageResolver none() {
    return container -> Optional.empty();
  }

  /**
   * Images whose name contains a key run with the mapped entrypoint, the way a container runtime
   * treats an image's ENTRYPOINT: a container's {@code command} replaces the entrypoint (and then
   * runs as given, e.g. {@code /bin/sh -c ...}); its {@code args} follow the entrypoint. The first
   * key that matches, in the map's iteration order, wins.
   */
  static ImageResolver byImageSubstring(Map<String, List<String>> entrypoints) {
    Map<String, List<String>> copy = new LinkedHashMap<>(entrypoints);
    return container -> {
      String image = container.getImage() == null ? "" : container.getImage();
      return copy.entrySet().stream()
          .filter(e -> image.contains(e.getKey()))
          .findFirst()
          .map(e -> commandLine(e.getValue(), container));
    };
  }

  /**
   * Parses {@code SUBSTRING=ENTRYPOINT[;SUBSTRING=ENTRYPOINT...]} (or one mapping per line), the
   * entrypoint split at whitespace, into {@link #byImageSubstring}: e.g. {@code lathe-trainer=java
   * -cp /opt/lathe/trainer.jar dev.lathe.trainer.TrainerMain}.
   */
  static ImageResolver parse(String mappings) {
    Map<String, List<String>> entrypoints = new LinkedHashMap<>();
    for (String mapping : mappings.split("[;\n]")) {
      if (mapping.isBlank()) {
        continue;
      }
      int equals = mapping.indexOf('=');
      if (equals <= 0 || mapping.substring(equals + 1).isBlank()) {
        throw new IllegalArgumentException(
            "image mapping '" + mapping.strip() + "' is not SUBSTRING=ENTRYPOINT");
      }
      entrypoints.put(
          mapping.substring(0, equals).strip(),
          List.of(mapping.substring(equals + 1).strip().split("\\s+")));
    }
    return byImageSubstring(entrypoints);
  }

  private static List<String> commandLine(List<String> entrypoint, Container container) {
    List<String> command = new ArrayList<>();
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      command.addAll(container.getCommand());
    } else {
      command.addAll(entrypoint);
    }
    if (container.getArgs() != null) {
      command.addAll(container.getArgs());
    }
    return command;
  }
}
