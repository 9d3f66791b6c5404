package dev.lathe.cli;

/** The exit codes scripts may rely on; listed in {@code lathe --help}. */
final class ExitCodes {
  static final int OK = 0;
  static final int VERIFICATION_FAILED = 1;
  static final int USAGE = 2;
  static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
