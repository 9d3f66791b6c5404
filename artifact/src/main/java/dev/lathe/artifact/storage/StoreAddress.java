package dev.lathe.artifact.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a process reaches a place in storage, in a form that travels in one environment variable
 * (JSON): the operator writes it into training and verification pods, whose programs open it.
 *
 * @param uri where it is, as users and statuses name it: s3://BUCKET/PREFIX, pvc://CLAIM/PATH or
 *     file:///PATH
 * @param endpoint the S3 endpoint URL (MinIO, Ceph), absent for AWS S3
 * @param region the S3 signing region, absent for us-east-1
 * @param pathStyle S3 path-style addressing
 * @param credentialsDirectory where the credentials Secret is mounted (files AWS_ACCESS_KEY_ID,
 *     AWS_SECRET_ACCESS_KEY), absent for ambient credentials
 * @param localPath for pvc:// and file:// addresses, the directory this process sees them at (a pod
 *     mounts the claim; the URI stays what the user wrote)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoreAddress(
    String uri,
    String endpoint,
    String region,
    Boolean pathStyle,
    String credentialsDirectory,
    String localPath) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public StoreAddress {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("a storage address needs a uri");
    }
    uri = uri.replaceAll("/+$", "");
  }

  public static StoreAddress s3(
      String uri, String endpoint, String region, Boolean pathStyle, String credentialsDirectory) {
    return new StoreAddress(uri, endpoint, region, pathStyle, credentialsDirectory, null);
  }

  /** A directory this process can read, named by {@code uri} (pvc://… or file://…). */
  public static StoreAddress directory(String uri, Path localPath) {
    return new StoreAddress(uri, null, null, null, null, localPath.toString());
  }

  @JsonIgnore
  public boolean isS3() {
    return uri.startsWith("s3://");
  }

  /** The address of {@code relative} under this one; a path that could climb is refused. */
  public StoreAddress resolve(String relative) {
    String clean = StoragePaths.checked(uri, relative.replaceAll("^/+|/+$", ""));
    if (clean.isEmpty()) {
      return this;
    }
    return new StoreAddress(
        uri + "/" + clean,
        endpoint,
        region,
        pathStyle,
        credentialsDirectory,
        localPath == null ? null : Path.of(localPath).resolve(clean).toString());
  }

  /**
   * A store rooted at this address. S3 stores hold an HTTP client: close them ({@link
   * AutoCloseable}) when done.
   */
  public ArtifactStore open() {
    if (isS3()) {
      S3Location location =
          S3Location.parse(
              uri,
              Optional.ofNullable(endpoint).map(URI::create),
              region,
              Boolean.TRUE.equals(pathStyle));
      return new S3Store(
          location,
          S3Credentials.fromMountedSecretOrDefault(
              credentialsDirectory == null ? null : Path.of(credentialsDirectory)));
    }
    if (localPath == null) {
      throw new IllegalArgumentException(
          uri + " is not reachable from this process: no local path for it was given");
    }
    Path local = Path.of(localPath);
    if (ClaimUri.is(uri)) {
      // The claim is mounted at a path the operator chose; the part of localPath that the tenant
      // wrote (the path inside the claim) is checked again here and may pass no link.
      ClaimUri claim = ClaimUri.parse(uri);
      Path claimRoot = claimRootOf(local, claim);
      Path absolute = local.toAbsolutePath();
      return claimRoot.equals(absolute)
          ? FilesystemStore.within(absolute, "")
          : claim.openUnder(claimRoot);
    }
    return new FilesystemStore(local);
  }

  /**
   * The directory the claim is mounted at, when {@code local} ends in the claim's path as a pod's
   * mount gives it; otherwise (a plan written by hand) {@code local} itself bounds the store.
   */
  private Path claimRootOf(Path local, ClaimUri claim) {
    Path absolute = local.toAbsolutePath();
    if (!absolute.normalize().equals(absolute)) {
      throw new StoragePaths.UnsafeStoragePath(
          uri + ": local path " + localPath + " is not normalised");
    }
    if (claim.path().isEmpty()) {
      return absolute;
    }
    Path inside = Path.of("", claim.path().split("/"));
    if (!absolute.endsWith(inside)) {
      return absolute;
    }
    Path root = absolute;
    for (int i = 0; i < inside.getNameCount(); i++) {
      root = root.getParent();
    }
    return root;
  }

  /** Closes a store that {@link #open()} returned. */
  public static void close(ArtifactStore store) {
    if (store instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing an HTTP client: nothing left to lose.
      }
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static StoreAddress fromJson(String json) {
    try {
      return JSON.readValue(json, StoreAddress.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a storage address: " + e.getMessage(), e);
    }
  }
}
