package dev.lathe.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.verify.ArtifactVerifier;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON line a verification Job leaves in its termination log, which the operator parses:
 * these two shapes are a contract (README, "The trainer contract"), change them only together with
 * the operator.
 *
 * <pre>
 * success: {"manifestDigest": "sha256:…", "keyId": "…", "algorithm": "…", "files": N, "sizeBytes": N}
 * failure: {"failure": "…", "subject": "…", "message": "…"}
 * </pre>
 */
final class VerificationReport {

  /** Under Kubernetes' 4096 bytes, with room to spare. */
  static final int MAX_BYTES = 4000;

  /** Not a {@code VerificationException.Failure}: the store could not be read. */
  static final String STORAGE = "STORAGE";

  /** Not a {@code VerificationException.Failure}: the Job's own plan or keys are unusable. */
  static final String CONFIGURATION = "CONFIGURATION";

  private static final ObjectMapper JSON = new ObjectMapper();

  private VerificationReport() {}

  static String success(ArtifactVerifier.Verified verified, int files, long sizeBytes) {
    ObjectNode report = JSON.createObjectNode();
    report.put("manifestDigest", verified.manifestDigest());
    report.put("keyId", verified.keyId());
    report.put("algorithm", verified.algorithm().id());
    report.put("files", files);
    report.put("sizeBytes", sizeBytes);
    return write(report);
  }

  static String failure(String failure, String subject, String message) {
    String cutSubject = TerminationLog.truncate(subject == null ? "" : subject, 512);
    String cutMessage = message == null ? "" : message;
    while (true) {
      ObjectNode report = JSON.createObjectNode();
      report.put("failure", failure);
      report.put("subject", cutSubject);
      report.put("message", cutMessage);
      String json = write(report);
      int excess = json.getBytes(StandardCharsets.UTF_8).length - (MAX_BYTES - 1);
      if (excess <= 0) {
        return json;
      }
      // Escaping makes the JSON longer than the text, by a factor that depends on the text: cut
      // the text in proportion to what is over, and look again.
      int bytes = cutMessage.getBytes(StandardCharsets.UTF_8).length;
      int escaped =
          write(JSON.getNodeFactory().textNode(cutMessage)).getBytes(StandardCharsets.UTF_8).length
              - 2;
      long room = (long) bytes * Math.max(0, escaped - excess) / Math.max(1, escaped);
      cutMessage = TerminationLog.truncate(cutMessage, (int) Math.min(bytes - 1, room));
    }
  }

  private static String write(com.fasterxml.jackson.databind.JsonNode report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
