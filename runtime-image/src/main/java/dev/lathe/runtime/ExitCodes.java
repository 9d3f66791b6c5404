package dev.lathe.runtime;

/** Exit codes scripts and Kubernetes may rely on. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int VERIFICATION_FAILED = 1;
  public static final int USAGE = 2;
  public static final int FAILED = 3;

  private ExitCodes() {}
}
