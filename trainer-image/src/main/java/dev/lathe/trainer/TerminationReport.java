package dev.lathe.trainer;

import dev.lathe.artifact.contract.VerificationReport;
import dev.lathe.artifact.verify.ArtifactVerifier;
import java.nio.charset.StandardCharsets;

/**
 * Writes the verify step's {@link VerificationReport} as the one JSON line of the termination log,
 * cut to fit the {@link VerificationReport#MAX_BYTES} Kubernetes keeps.
 */
final class TerminationReport {

  private TerminationReport() {}

  static String success(ArtifactVerifier.Verified verified, int files, long sizeBytes) {
    return new VerificationReport.Verified(
            verified.manifestDigest(),
            verified.keyId(),
            verified.algorithm().id(),
            files,
            sizeBytes)
        .toJson();
  }

  static String failure(String failure, String subject, String message) {
    String cutSubject = TerminationLog.truncate(subject == null ? "" : subject, 512);
    String cutMessage = message == null ? "" : message;
    while (true) {
      String json = new VerificationReport.Refused(failure, cutSubject, cutMessage).toJson();
      int excess =
          json.getBytes(StandardCharsets.UTF_8).length - (VerificationReport.MAX_BYTES - 1);
      if (excess <= 0) {
        return json;
      }
      // Escaping makes the JSON longer than the text, by a factor that depends on the text: cut
      // the text in proportion to what is over, and look again.
      int bytes = cutMessage.getBytes(StandardCharsets.UTF_8).length;
      int escaped = escapedLength(cutMessage);
      long room = (long) bytes * Math.max(0, escaped - excess) / Math.max(1, escaped);
      cutMessage = TerminationLog.truncate(cutMessage, (int) Math.min(bytes - 1, room));
    }
  }

  /** The UTF-8 length of the text as a JSON string, without its quotes. */
  private static int escapedLength(String text) {
    String asField = new VerificationReport.Refused("", "", text).toJson();
    String empty = new VerificationReport.Refused("", "", "").toJson();
    return asField.getBytes(StandardCharsets.UTF_8).length
        - empty.getBytes(StandardCharsets.UTF_8).length;
  }
}
