package dev.lathe.cli;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.verify.VerificationException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns failures into one line on stderr and the documented exit code, never a stack trace. */
final class Failures implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    commandLine.getErr().println("lathe: " + e.getMessage());
    if (e instanceof VerificationException) {
      return ExitCodes.VERIFICATION_FAILED;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof ArtifactException) {
      return e.getCause() instanceof IOException
          ? ExitCodes.UNAVAILABLE
          : ExitCodes.VERIFICATION_FAILED;
    }
    if (e instanceof KubernetesClientException) {
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    commandLine.getErr().println("lathe: unexpected " + e.getClass().getName());
    return ExitCodes.UNAVAILABLE;
  }
}
