package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A place in enterprise-owned storage: an S3-compatible bucket or a PersistentVolumeClaim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.uri.startsWith('s3://') || !(has(self.endpoint) || has(self.region)"
            + " || has(self.pathStyle) || has(self.credentialsSecret))",
    message = "endpoint, region, pathStyle and credentialsSecret apply only to s3:// URIs")
// A path that climbs ("..", or "." and "//" that a server may normalise into one) could reach
// another namespace's claim or prefix; percent-encoding and backslashes could smuggle either past
// a decoder. The operator, pods and CLI refuse the same, for objects older than this rule.
@ValidationRule(
    value =
        "!self.uri.matches('/[.][.]?(/|$)') && !self.uri.matches('://.*//')"
            + " && !self.uri.contains('\\\\') && !self.uri.contains('%')",
    message =
        "uri may not have '.' or '..' segments, empty segments, backslashes or"
            + " percent-encoding: a location cannot climb out of its claim or bucket prefix")
public class StorageLocation {

  @Required
  @Size(max = 1024)
  @Pattern("^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?)(/.*)?$")
  @JsonPropertyDescription(
      "uri is required: where the object or prefix lives. s3://BUCKET/KEY for any S3-compatible"
          + " store (AWS S3, MinIO, Ceph), or pvc://CLAIM/PATH for a PersistentVolumeClaim in the"
          + " resource's namespace. The path may not contain '.' or '..' segments, empty"
          + " segments, backslashes or percent-encoding.")
  private String uri;

  @Size(max = 512)
  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription(
      "endpoint is optional: the S3 endpoint URL, for MinIO, Ceph or any store that is not AWS"
          + " S3 (for example https://minio.storage.svc:9000). Absent means AWS S3.")
  private String endpoint;

  @Size(max = 64)
  @Pattern("^[a-z0-9-]+$")
  @JsonPropertyDescription(
      "region is optional: the S3 region to sign requests for. Absent means us-east-1.")
  private String region;

  @JsonPropertyDescription(
      "pathStyle is optional: when true, requests address the bucket in the path"
          + " (https://endpoint/bucket/key), as MinIO and Ceph usually need. Defaults to false.")
  private Boolean pathStyle;

  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "credentialsSecret is optional: the name of a Secret in the same namespace with the keys"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and optionally AWS_SESSION_TOKEN)."
          + " Absent means ambient credentials (for example IRSA or instance roles), which the"
          + " operator uses on a namespace's behalf only where the platform team's storage policy"
          + " allows that namespace that bucket prefix; otherwise the resource is not accepted.")
  private String credentialsSecret;

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public Boolean getPathStyle() {
    return pathStyle;
  }

  public void setPathStyle(Boolean pathStyle) {
    this.pathStyle = pathStyle;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
