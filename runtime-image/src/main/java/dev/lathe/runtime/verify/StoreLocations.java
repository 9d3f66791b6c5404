package dev.lathe.runtime.verify;

import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.ClaimUri;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.artifact.storage.S3Credentials;
import dev.lathe.artifact.storage.S3Location;
import dev.lathe.artifact.storage.S3Store;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the store an artifact URI points into: s3://BUCKET/PREFIX (endpoint, region and path style
 * for MinIO or Ceph; keys from a mounted Secret directory or the AWS defaults), pvc://CLAIM/PATH
 * (the claim mounted under {@code claimsRoot}/CLAIM, as the operator mounts claims), file:///PATH
 * or a plain directory. The artifact is the store's root. A claim's path may not climb and no
 * symbolic link below the claim's mount is followed; a directory's store follows no link below it.
 */
public record StoreLocations(
    Optional<URI> endpoint,
    String region,
    boolean pathStyle,
    Path credentialsDirectory,
    Path claimsRoot) {

  /** Where the operator mounts a pod's claims (PodStorage.VOLUMES_ROOT). */
  public static final Path DEFAULT_CLAIMS_ROOT = Path.of("/mnt/lathe/volumes");

  public StoreLocations(
      Optional<URI> endpoint, String region, boolean pathStyle, Path credentialsDirectory) {
    this(endpoint, region, pathStyle, credentialsDirectory, DEFAULT_CLAIMS_ROOT);
  }

  public ArtifactStore open(String location) {
    if (location.startsWith("s3://")) {
      return new S3Store(
          S3Location.parse(location, endpoint, region, pathStyle),
          S3Credentials.fromMountedSecretOrDefault(credentialsDirectory));
    }
    if (ClaimUri.is(location)) {
      ClaimUri claim = ClaimUri.parse(location);
      return claim.openUnder(claimsRoot.resolve(claim.claim()));
    }
    Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    return new FilesystemStore(path);
  }

  /**
   * These settings with an adapter's own S3 settings over them (each field given replaces this
   * one's).
   */
  public StoreLocations with(dev.lathe.runtime.model.AdapterList.Store store) {
    return new StoreLocations(
        store.endpoint() == null ? endpoint : Optional.of(URI.create(store.endpoint())),
        store.region() == null ? region : store.region(),
        store.pathStyle() == null ? pathStyle : store.pathStyle(),
        store.credentialsDirectory() == null
            ? credentialsDirectory
            : Path.of(store.credentialsDirectory()),
        claimsRoot);
  }

  public static void close(ArtifactStore store) {
    if (store instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // The download is complete or failed already; closing the client changes neither.
      }
    }
  }
}
