package dev.lathe.chart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * helm and lua-health as e2e/helm/build.sh built them (it builds them when missing and otherwise
 * only prints where they are).
 */
final class GoTools {

  private static Path helm;
  private static Path luaHealth;

  private GoTools() {}

  static synchronized Path helm() {
    locate();
    return helm;
  }

  static synchronized Path luaHealth() {
    locate();
    return luaHealth;
  }

  private static void locate() {
    if (helm != null) {
      return;
    }
    Command.Result built =
        Command.run(
                Map.of(),
                List.of("bash", RepositoryRoot.path().resolve("e2e/helm/build.sh").toString()))
            .ok();
    List<String> lines = built.stdout().strip().lines().toList();
    helm = Path.of(lines.get(lines.size() - 2));
    luaHealth = Path.of(lines.get(lines.size() - 1));
    for (Path tool : List.of(helm, luaHealth)) {
      if (!Files.isExecutable(tool)) {
        throw new IllegalStateException("build.sh printed " + tool + ", which is not executable");
      }
    }
  }
}
