package dev.lathe.cli;

import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.storage.S3Credentials;
import dev.lathe.artifact.storage.S3Location;
import dev.lathe.artifact.storage.S3Store;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where an artifact is: s3://BUCKET/PREFIX (credentials from the usual AWS environment variables or
 * profiles), file:///PATH, or a local directory.
 */
final class Locations {

  @Option(
      names = "--endpoint",
      description = "S3 endpoint URL for MinIO, Ceph and other non-AWS stores.")
  URI endpoint;

  @Option(
      names = "--region",
      description = "S3 region (default: ${DEFAULT-VALUE}).",
      defaultValue = "us-east-1")
  String region;

  @Option(names = "--path-style", description = "Address buckets in the path (MinIO, Ceph).")
  boolean pathStyle;

  @Option(
      names = "--credentials-dir",
      description =
          "A directory with files AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a mounted Secret). Default: the AWS environment variables and profiles.")
  Path credentialsDirectory;

  /** The store whose root is the artifact. */
  ArtifactStore open(String location) {
    if (location.startsWith("s3://")) {
      return new S3Store(
          S3Location.parse(location, Optional.ofNullable(endpoint), region, pathStyle),
          S3Credentials.fromMountedSecretOrDefault(credentialsDirectory));
    }
    Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    return new FilesystemStore(path);
  }

  static void close(ArtifactStore store) {
    if (store instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing a client after the work is done cannot change the answer.
      }
    }
  }
}
