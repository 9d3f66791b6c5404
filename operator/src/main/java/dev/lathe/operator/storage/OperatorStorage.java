package dev.lathe.operator.storage;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.ClaimUri;
import dev.lathe.artifact.storage.S3Credentials;
import dev.lathe.artifact.storage.S3Location;
import dev.lathe.artifact.storage.S3Store;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Opens storage for the operator itself, which reads only small files there (statements, progress,
 * signatures) and writes signatures: S3 with the location's credentials Secret read through the
 * API, or a claim seen under the operator's volume root (the sandbox, or a shared volume). It never
 * reads model weights.
 */
public class OperatorStorage {

  /** Storage the operator cannot use: the message says why, for a condition. */
  public static final class UnreachableStorage extends RuntimeException {
    public UnreachableStorage(String message) {
      super(message);
    }
  }

  static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final Optional<Path> volumeRoot;
  private final Supplier<StoragePolicy> policy;

  /** Storage with no storage policy: every S3 location must name its own credentials Secret. */
  public OperatorStorage(KubernetesClient client, Optional<Path> volumeRoot) {
    this(client, volumeRoot, () -> StoragePolicy.NONE);
  }

  public OperatorStorage(
      KubernetesClient client, Optional<Path> volumeRoot, Supplier<StoragePolicy> policy) {
    this.client = client;
    this.volumeRoot = volumeRoot;
    this.policy = policy;
  }

  /**
   * A store rooted at {@code location} of a resource in {@code namespace}; close it with {@link
   * #close(ArtifactStore)}. Whatever acceptance said earlier, it is checked again here, on every
   * use: a claim is opened only under that namespace's directory, through a path that cannot climb
   * or pass a link, and the operator's own S3 credentials serve only where the storage policy says
   * so.
   */
  public ArtifactStore open(String namespace, StorageLocation location) {
    String uri = location.getUri();
    if (uri.startsWith("s3://")) {
      Optional<String> refusal = policy.get().refusal(namespace, location);
      if (refusal.isPresent()) {
        throw new UnreachableStorage(refusal.get());
      }
      S3Location s3 =
          S3Location.parse(
              uri,
              Optional.ofNullable(location.getEndpoint()).map(URI::create),
              location.getRegion(),
              Boolean.TRUE.equals(location.getPathStyle()));
      // The operator reads and writes only small files, on reconcile threads: a dead endpoint
      // must cost seconds, not the SDK's full retry schedule.
      return S3Store.withCallTimeout(
          s3, credentials(namespace, location.getCredentialsSecret()), CALL_TIMEOUT);
    }
    // A path that climbs or passes a link is refused as StoragePaths.UnsafeStoragePath, a verdict
    // on the location rather than an outage.
    ClaimUri claim = ClaimUri.parse(uri);
    Path root =
        volumeRoot.orElseThrow(
            () ->
                new UnreachableStorage(
                    uri
                        + " is a PersistentVolumeClaim the operator cannot read: give the operator"
                        + " the claims' volume (LATHE_VOLUME_ROOT) or use S3-compatible storage"));
    return claim.openUnder(root.resolve(namespace).resolve(claim.claim()));
  }

  /** Whether the operator can open pvc:// locations at all. */
  public boolean readsClaims() {
    return volumeRoot.isPresent();
  }

  public static void close(ArtifactStore store) {
    dev.lathe.artifact.storage.StoreAddress.close(store);
  }

  private AwsCredentialsProvider credentials(String namespace, String secretName) {
    if (secretName == null) {
      // Only reached where the storage policy granted it (checked in open).
      return DefaultCredentialsProvider.builder().build();
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null) {
      throw new UnreachableStorage(
          "credentials Secret " + namespace + "/" + secretName + " does not exist");
    }
    return S3Credentials.fromSecretData(Optional.ofNullable(secret.getData()).orElse(Map.of()))
        .orElseThrow(
            () ->
                new UnreachableStorage(
                    "credentials Secret "
                        + namespace
                        + "/"
                        + secretName
                        + " lacks AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY"));
  }
}
