package dev.lathe.cli;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.ClaimUri;
import dev.lathe.artifact.storage.S3Credentials;
import dev.lathe.artifact.storage.S3Location;
import dev.lathe.artifact.storage.S3Store;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * ModelVersions of one namespace as artifact locations, for {@code lathe lineage mv/NAME}: a name
 * resolves to the version's spec.source.storage, and a parent's URI met along the chain resolves to
 * the version stored there, with its endpoint and its credentials Secret read through the
 * kubeconfig — so a user needs no storage flags for models the cluster knows.
 */
final class ClusterModelVersions {

  static final String PREFIX = "mv/";

  private final KubernetesClient client;
  private final String namespace;
  private final Optional<java.nio.file.Path> volumeRoot;

  /**
   * @param volumeRoot where this machine sees the cluster's claims, as ROOT/NAMESPACE/CLAIM (the
   *     local cluster's kubelet directory); without it pvc:// artifacts cannot be read here
   */
  ClusterModelVersions(
      KubernetesClient client, String namespace, Optional<java.nio.file.Path> volumeRoot) {
    this.client = client;
    this.namespace = namespace;
    this.volumeRoot = volumeRoot;
  }

  static boolean names(String location) {
    return location.startsWith(PREFIX) || location.startsWith("modelversion/");
  }

  /** The URI of {@code mv/NAME}. */
  String uriOf(String location) {
    String name = location.substring(location.indexOf('/') + 1);
    ModelVersion version =
        client.resources(ModelVersion.class).inNamespace(namespace).withName(name).get();
    if (version == null) {
      throw new IllegalArgumentException(
          "ModelVersion " + name + " not found in namespace " + namespace);
    }
    return version.getSpec().getSource().getStorage().getUri();
  }

  /** A store for {@code uri} when a ModelVersion of the namespace lives there. */
  Optional<ArtifactStore> open(String uri) {
    List<ModelVersion> versions =
        client.resources(ModelVersion.class).inNamespace(namespace).list().getItems();
    return versions.stream()
        .map(v -> v.getSpec().getSource().getStorage())
        .filter(s -> s.getUri().replaceAll("/+$", "").equals(uri.replaceAll("/+$", "")))
        .findFirst()
        .flatMap(this::store);
  }

  private Optional<ArtifactStore> store(StorageLocation location) {
    if (location.getUri().startsWith("s3://")) {
      return Optional.of(s3(location));
    }
    if (!ClaimUri.is(location.getUri()) || volumeRoot.isEmpty()) {
      return Optional.empty();
    }
    // The same confinement as the operator's: inside this namespace's claim, no climbing, no link.
    ClaimUri claim = ClaimUri.parse(location.getUri());
    return Optional.of(claim.openUnder(volumeRoot.get().resolve(namespace).resolve(claim.claim())));
  }

  private ArtifactStore s3(StorageLocation location) {
    return new S3Store(
        S3Location.parse(
            location.getUri(),
            Optional.ofNullable(location.getEndpoint()).map(URI::create),
            location.getRegion(),
            Boolean.TRUE.equals(location.getPathStyle())),
        credentials(location.getCredentialsSecret()));
  }

  private AwsCredentialsProvider credentials(String secretName) {
    if (secretName == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    Map<String, String> data =
        secret == null || secret.getData() == null ? Map.of() : secret.getData();
    // The user may not read Secrets: fall back to their own AWS settings.
    return S3Credentials.fromSecretData(data)
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }
}
