package dev.lathe.cli.status;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where views are shown. On a terminal a new view replaces the old one in place; otherwise (a pipe,
 * a log file, CI) each view is appended as a block under a timestamp, so nothing is lost and no
 * control characters land in the file.
 */
final class StatusScreen {

  /** Home the cursor, clear to the end of the screen: redraws without scrolling. */
  static final String REDRAW = "\033[H\033[2J";

  private final PrintWriter out;
  private final boolean terminal;
  private int shown;

  StatusScreen(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  synchronized void show(String view, Instant at) {
    if (terminal) {
      out.print(REDRAW);
      out.print(view);
      out.print("\n(watching; Ctrl-C to stop)  " + at.truncatedTo(ChronoUnit.SECONDS) + "\n");
    } else {
      if (shown > 0) {
        out.print('\n');
      }
      out.print("--- " + at.truncatedTo(ChronoUnit.SECONDS) + "\n");
      out.print(view);
    }
    shown++;
    out.flush();
  }
}
