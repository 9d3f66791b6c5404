package dev.lathe.runtime;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.RuntimeEnvironment;
import dev.lathe.artifact.storage.StoragePaths;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.runtime.verify.FetchAndVerify;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fetch-and-verify}: the init container of a ModelDeployment pod. */
@Command(
    name = "fetch-and-verify",
    mixinStandardHelpOptions = true,
    description = {
      "Download a ModelVersion (and its base, for an adapter) and verify signatures and every"
          + " digest against the trust policy but the served base's weights', which serve checks"
          + " on the bytes it loads. Exit 0 only if all hold; 1 names what failed."
    })
final class FetchAndVerifyCommand implements Callable<Integer> {

  @Option(
      names = "--model-uri",
      defaultValue = "${env:" + RuntimeEnvironment.MODEL_URI + "}",
      required = true,
      description =
          "s3://BUCKET/PREFIX, pvc://CLAIM/PATH, file:///PATH or a directory (env"
              + " "
              + RuntimeEnvironment.MODEL_URI
              + ").")
  String modelUri;

  @Option(
      names = "--adapter",
      split = ",",
      defaultValue = "${env:" + RuntimeEnvironment.ADAPTER_URIS + "}",
      description =
          "NAME=URI of a further adapter; repeat or separate by commas (env "
              + RuntimeEnvironment.ADAPTER_URIS
              + ").")
  Map<String, String> adapters = new LinkedHashMap<>();

  @Option(
      names = "--models-dir",
      defaultValue = "${env:" + RuntimeEnvironment.MODELS_DIR + ":-/models}",
      description =
          "Where to put model/, base/ and adapters/ (env " + RuntimeEnvironment.MODELS_DIR + ").")
  Path modelsDir;

  @Mixin StoreOptions store;

  @Mixin TrustOptions trust;

  @Override
  public Integer call() {
    try {
      FetchAndVerify.Result result =
          new FetchAndVerify(store.locations(), trust.verifier(), System.out)
              .run(modelUri, adapters == null ? Map.of() : adapters, modelsDir);
      System.out.println(
          "fetch-and-verify: "
              + result.model().manifestDigest()
              + (result.base().isPresent()
                  ? " on base " + result.base().get().manifestDigest()
                  : "")
              + ", "
              + result.adapters().size()
              + " further adapter(s): signatures and files verified, the served weights left"
              + " to serve's load");
      return ExitCodes.OK;
    } catch (VerificationException e) {
      String message =
          "verification failed (" + e.failure() + ", " + e.subject() + "): " + e.getMessage();
      System.err.println(message);
      TerminationLog.write(message);
      return ExitCodes.VERIFICATION_FAILED;
    } catch (StoragePaths.UnsafeStoragePath e) {
      // A location that could reach outside its claim is refused for good, like a verdict.
      String message = "fetch-and-verify refused: " + e.getMessage();
      System.err.println(message);
      TerminationLog.write(message);
      return ExitCodes.VERIFICATION_FAILED;
    } catch (ArtifactException | IllegalArgumentException e) {
      String message = "fetch-and-verify failed: " + e.getMessage();
      System.err.println(message);
      TerminationLog.write(message);
      return ExitCodes.FAILED;
    }
  }
}
