package dev.lathe.artifact.storage;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach a bucket and where in it: the s3:// URI plus the connection settings of a
 * StorageLocation (endpoint for MinIO or Ceph, region, path-style addressing).
 *
 * @param bucket the bucket
 * @param prefix the key prefix inside the bucket, without leading or trailing "/"
 * @param endpoint the endpoint URL, or empty for AWS S3
 * @param region the signing region
 * @param pathStyle address the bucket in the path rather than the host name
 */
public record S3Location(
    String bucket, String prefix, Optional<URI> endpoint, String region, boolean pathStyle) {

  public static final String DEFAULT_REGION = "us-east-1";

  /**
   * Parses s3://bucket/prefix. The prefix is checked by {@link StoragePaths} on its raw form: S3
   * itself treats ".." as a plain key segment, but S3-compatible servers and proxies that map keys
   * to files may not, so a prefix that could climb is refused everywhere.
   */
  public static S3Location parse(
      String uri, Optional<URI> endpoint, String region, boolean pathStyle) {
    URI parsed = URI.create(uri);
    if (!"s3".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw new IllegalArgumentException("not an s3://BUCKET/PREFIX URI: " + uri);
    }
    String raw = parsed.getRawPath() == null ? "" : parsed.getRawPath();
    String prefix =
        StoragePaths.checked(
            "s3://" + parsed.getHost(), raw.replaceFirst("^/", "").replaceFirst("/$", ""));
    return new S3Location(
        parsed.getHost(), prefix, endpoint, region == null ? DEFAULT_REGION : region, pathStyle);
  }

  public String uri() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}
