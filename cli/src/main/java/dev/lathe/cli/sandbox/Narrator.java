package dev.lathe.cli.sandbox;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Prints the story as it happens: each step, what to type to watch it, and how long it took. */
final class Narrator {

  private final PrintWriter out;
  private final Instant began = Instant.now();
  private Instant stepBegan = began;
  private int step;

  Narrator(PrintWriter out) {
    this.out = out;
  }

  void phase(String text) {
    out.println("==> " + text);
    out.flush();
  }

  void step(String title, List<String> watch) {
    step++;
    stepBegan = Instant.now();
    out.println();
    out.println("==> step " + step + ": " + title);
    if (!watch.isEmpty()) {
      out.println("    watch it from another terminal:");
      watch.forEach(w -> out.println("      " + w));
    }
    out.flush();
  }

  void detail(String text) {
    out.println("    " + text);
    out.flush();
  }

  void stepDone() {
    out.println("    done in " + seconds(Duration.between(stepBegan, Instant.now())));
    out.flush();
  }

  Duration elapsed() {
    return Duration.between(began, Instant.now());
  }

  PrintWriter out() {
    return out;
  }

  static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
