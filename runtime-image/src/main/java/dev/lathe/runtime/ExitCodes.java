package dev.lathe.runtime;

/** Exit codes scripts and Kubernetes may rely on. */
final class ExitCodes {
  static final int OK = 0;
  static final int VERIFICATION_FAILED = 1;
  static final int USAGE = 2;
  static final int FAILED = 3;

  private ExitCodes() {}
}
