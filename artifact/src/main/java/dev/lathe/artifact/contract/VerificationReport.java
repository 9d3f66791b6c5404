package dev.lathe.artifact.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * The one JSON line a verification Job's container leaves in its termination log: written by the
 * trainer image's verify step, read by the operator from the pod's status. Either the artifact was
 * {@link Verified}, or it was {@link Refused} with a failure name: a {@code
 * VerificationException.Failure} name (a verdict on the files), {@link #STORAGE} (the store could
 * not be read) or {@link #CONFIGURATION} (the Job's own plan or keys are unusable).
 */
public sealed interface VerificationReport {

  /** Not a verdict: the store could not be read, so the operator looks again later. */
  String STORAGE = "STORAGE";

  /** Not a verdict: the Job's own plan or keys are unusable. */
  String CONFIGURATION = "CONFIGURATION";

  /** Kubernetes keeps 4096 bytes of a termination message; the report stays under this. */
  int MAX_BYTES = 4000;

  String toJson();

  /**
   * Every file matches the signed manifest.
   *
   * @param manifestDigest the digest of the manifest the Job hashed, sha256:HEX
   * @param keyId the trusted key that signed it
   * @param algorithm the signature algorithm's id
   * @param files how many model files were checked
   * @param sizeBytes their total size
   */
  record Verified(String manifestDigest, String keyId, String algorithm, int files, long sizeBytes)
      implements VerificationReport {
    @Override
    public String toJson() {
      ObjectNode report = ContractJson.object();
      report.put("manifestDigest", manifestDigest);
      report.put("keyId", keyId);
      report.put("algorithm", algorithm);
      report.put("files", files);
      report.put("sizeBytes", sizeBytes);
      return ContractJson.write(report);
    }
  }

  /**
   * The artifact was not verified.
   *
   * @param failure what kind of failure, see {@link VerificationReport}
   * @param subject the file or setting it concerns
   * @param message what a person should know
   */
  record Refused(String failure, String subject, String message) implements VerificationReport {
    @Override
    public String toJson() {
      ObjectNode report = ContractJson.object();
      report.put("failure", failure);
      report.put("subject", subject);
      report.put("message", message);
      return ContractJson.write(report);
    }
  }

  /**
   * The report in a termination message, or empty when the message is not one (a crash's log, for
   * instance, under FallbackToLogsOnError).
   */
  static Optional<VerificationReport> parse(String message) {
    if (message == null || !message.strip().startsWith("{")) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = ContractJson.JSON.readTree(message);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (node.hasNonNull("failure")) {
      return Optional.of(
          new Refused(
              node.path("failure").asText(""),
              node.path("subject").asText(""),
              node.path("message").asText("")));
    }
    if (node.hasNonNull("manifestDigest")) {
      return Optional.of(
          new Verified(
              node.path("manifestDigest").asText(""),
              node.path("keyId").asText(""),
              node.path("algorithm").asText(""),
              node.path("files").asInt(),
              node.path("sizeBytes").asLong()));
    }
    return Optional.empty();
  }
}
