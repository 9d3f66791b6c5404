package dev.lathe.cli.status;

/** A text progress bar, {@code [#########...........]}, that a plain log shows as well as a TTY. */
final class ProgressBar {

  static final int WIDTH = 30;

  private ProgressBar() {}

  static String of(long step, long total) {
    int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, Math.max(0, step * WIDTH / total));
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
  }
}
