package dev.lathe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.VerificationException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lathe verify}: checks a stored or local artifact against trusted keys. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a signed artifact in storage or a directory.",
      "Checks the signature with a trusted key, every file's digest, that no unsigned file is"
          + " present, and the provenance when there is one. Exit 0 only if all hold."
    })
final class VerifyCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "URI|DIR",
      description = "s3://BUCKET/PREFIX, file:///PATH or a directory.")
  String location;

  @Mixin TrustOptions trust;

  @Mixin Locations locations;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      description = "text or json.")
  String output;

  @Override
  public Integer call() throws Exception {
    ArtifactStore store = locations.open(location);
    try {
      ArtifactVerifier.Verified verified =
          new ArtifactVerifier(trust.policy()).verify(store, "", trust.namespace);
      if ("json".equals(output)) {
        ObjectNode result = JSON.createObjectNode();
        result.put("verified", true);
        result.put("uri", store.uri(""));
        result.put("manifestDigest", verified.manifestDigest());
        result.put("keyId", verified.keyId());
        result.put("algorithm", verified.algorithm().id());
        result.put("resources", verified.claim().digestsByName().size());
        result.put("provenance", verified.provenance().isPresent());
        spec.commandLine()
            .getOut()
            .println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
      } else {
        spec.commandLine()
            .getOut()
            .printf(
                "verified %s%n  manifest  %s (%d resources)%n  signed by %s (%s)%n  provenance %s%n",
                store.uri(""),
                verified.manifestDigest(),
                verified.claim().digestsByName().size(),
                verified.keyId(),
                verified.algorithm().id(),
                verified.provenance().isPresent() ? "verified" : "none");
      }
      return ExitCodes.OK;
    } catch (VerificationException e) {
      if ("json".equals(output)) {
        ObjectNode result = JSON.createObjectNode();
        result.put("verified", false);
        result.put("failure", e.failure().name());
        result.put("subject", e.subject());
        result.put("message", e.getMessage());
        spec.commandLine()
            .getOut()
            .println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        return ExitCodes.VERIFICATION_FAILED;
      }
      throw e;
    } finally {
      Locations.close(store);
    }
  }
}
