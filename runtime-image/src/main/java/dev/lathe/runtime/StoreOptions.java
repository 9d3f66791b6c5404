package dev.lathe.runtime;

import dev.lathe.artifact.contract.RuntimeEnvironment;
import dev.lathe.runtime.verify.StoreLocations;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The storage flags of the commands that download artifacts (fetch-and-verify, serve). */
final class StoreOptions {

  @Option(names = "--s3-endpoint", defaultValue = "${env:" + RuntimeEnvironment.S3_ENDPOINT + "}")
  URI endpoint;

  @Option(
      names = "--s3-region",
      defaultValue = "${env:" + RuntimeEnvironment.S3_REGION + ":-us-east-1}")
  String region;

  @Option(
      names = "--s3-path-style",
      defaultValue = "${env:" + RuntimeEnvironment.S3_PATH_STYLE + ":-false}")
  boolean pathStyle;

  @Option(
      names = "--s3-credentials-dir",
      defaultValue = "${env:" + RuntimeEnvironment.S3_CREDENTIALS_DIR + "}")
  Path credentialsDir;

  @Option(
      names = "--claims-root",
      defaultValue = "${env:" + RuntimeEnvironment.CLAIMS_ROOT + ":-/mnt/lathe/volumes}",
      description =
          "Where PersistentVolumeClaims are mounted, one directory per claim, for pvc:// URIs"
              + " (env "
              + RuntimeEnvironment.CLAIMS_ROOT
              + ").")
  Path claimsRoot;

  StoreLocations locations() {
    return new StoreLocations(
        Optional.ofNullable(endpoint), region, pathStyle, credentialsDir, claimsRoot);
  }
}
