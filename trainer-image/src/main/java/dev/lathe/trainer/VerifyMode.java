package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.ContractViolation;
import dev.lathe.artifact.contract.VerificationReport;
import dev.lathe.artifact.contract.VerifyPlan;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoragePaths;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * {@code verify}, a ModelVersion's verification Job: checks the artifact where it is stored
 * (streaming, nothing downloaded) against the namespace's trusted keys, and reports the outcome to
 * the operator as one JSON line in the termination log ({@link VerificationReport}).
 */
final class VerifyMode {

  /** The exit code when the store could not be read: worth a retry, unlike a verdict. */
  static final int STORAGE_EXIT = 3;

  private VerifyMode() {}

  static int run(Map<String, String> env, PrintStream out, PrintStream err) {
    TerminationLog terminationLog = TerminationLog.from(env, err);
    VerifyPlan plan;
    TrustPolicy policy;
    try {
      plan = VerifyPlan.fromJson(env.get(TrainerContract.VERIFY_PLAN));
    } catch (ContractViolation e) {
      return failed(
          terminationLog,
          err,
          VerificationReport.CONFIGURATION,
          TrainerContract.VERIFY_PLAN,
          e.getMessage());
    }
    try {
      policy = TrustedKeys.forNamespace(env, plan.namespace());
    } catch (TrainerContract.ContractException e) {
      return failed(
          terminationLog,
          err,
          VerificationReport.CONFIGURATION,
          TrainerContract.TRUSTED_KEYS,
          e.getMessage());
    }
    String uri = plan.address().uri();
    ArtifactStore store = null;
    try {
      store = plan.address().open();
      ArtifactVerifier.Verified verified =
          new ArtifactVerifier(policy).verify(store, "", plan.namespace());
      if (plan.expectedDigest().isPresent()
          && !plan.expectedDigest().get().equals(verified.manifestDigest())) {
        return failed(
            terminationLog,
            err,
            VerificationException.Failure.DIGEST_MISMATCH.name(),
            uri,
            "the artifact is signed as "
                + verified.manifestDigest()
                + ", but the ModelVersion expects "
                + plan.expectedDigest().get());
      }
      Set<String> files = verified.claim().files();
      long sizeBytes = 0;
      for (String file : files) {
        sizeBytes +=
            store
                .size(file)
                .orElseThrow(() -> new IOException(file + " vanished after verification"));
      }
      String report = TerminationReport.success(verified, files.size(), sizeBytes);
      out.println(report);
      terminationLog.write(report + "\n");
      return 0;
    } catch (StoragePaths.UnsafeStoragePath e) {
      return failed(
          terminationLog,
          err,
          VerificationReport.CONFIGURATION,
          TrainerContract.VERIFY_PLAN,
          e.getMessage());
    } catch (VerificationException e) {
      return failed(terminationLog, err, e.failure().name(), e.subject(), e.getMessage());
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      return failed(terminationLog, err, VerificationReport.STORAGE, uri, e.getMessage());
    } catch (ArtifactException e) {
      return failed(
          terminationLog,
          err,
          readFailure(e)
              ? VerificationReport.STORAGE
              : VerificationException.Failure.MALFORMED_STATEMENT.name(),
          uri,
          e.getMessage());
    } catch (RuntimeException e) {
      // An S3 client error outside the store's own handling (credentials, endpoint): the
      // operator still gets its JSON rather than a stack trace.
      return failed(terminationLog, err, VerificationReport.STORAGE, uri, e.toString());
    } finally {
      if (store != null) {
        StoreAddress.close(store);
      }
    }
  }

  /** Whether the store could not be read, as opposed to holding something that is not valid. */
  private static boolean readFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        return true;
      }
    }
    return false;
  }

  private static int failed(
      TerminationLog terminationLog,
      PrintStream err,
      String failure,
      String subject,
      String message) {
    err.println("trainer: verify: " + failure + " " + subject + ": " + message);
    terminationLog.write(TerminationReport.failure(failure, subject, message) + "\n");
    // A verdict is final, so the verification Job fails at once (exit 1); a store that could not
    // be read says nothing about the files, so that Job retries (exit 3).
    return VerificationReport.STORAGE.equals(failure) ? STORAGE_EXIT : 1;
  }
}
