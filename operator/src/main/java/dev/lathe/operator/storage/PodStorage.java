package dev.lathe.operator.storage;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.ClaimUri;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.names.BoundedNames;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns storage locations into what a pod needs to reach them: a {@link StoreAddress} for the pod's
 * program, plus the volumes behind it — the credentials Secret mounted read-only, a claim mounted
 * at a fixed path. Each Secret and claim is mounted once however many locations use it. Pure: it
 * only builds objects.
 */
public final class PodStorage {

  public static final String CREDENTIALS_ROOT = "/var/run/lathe/credentials";
  public static final String VOLUMES_ROOT = "/mnt/lathe/volumes";

  private final Map<String, Volume> volumes = new LinkedHashMap<>();
  private final Map<String, VolumeMount> mounts = new LinkedHashMap<>();

  /** The address a pod uses for {@code location}; {@code writable} mounts a claim read-write. */
  public StoreAddress address(StorageLocation location, boolean writable) {
    String uri = location.getUri();
    if (uri.startsWith("s3://")) {
      String credentials = null;
      if (location.getCredentialsSecret() != null) {
        credentials = mountSecret(location.getCredentialsSecret());
      }
      return StoreAddress.s3(
          uri, location.getEndpoint(), location.getRegion(), location.getPathStyle(), credentials);
    }
    ClaimUri claim = ClaimUri.parse(uri);
    String mountPath = mountClaim(claim.claim(), writable);
    return new StoreAddress(
        uri,
        null,
        null,
        null,
        null,
        claim.path().isEmpty() ? mountPath : mountPath + "/" + claim.path());
  }

  public List<Volume> volumes() {
    return new ArrayList<>(volumes.values());
  }

  public List<VolumeMount> mounts() {
    return new ArrayList<>(mounts.values());
  }

  private String mountSecret(String secret) {
    String name = "credentials-" + secret;
    String path = CREDENTIALS_ROOT + "/" + secret;
    volumes.computeIfAbsent(
        name,
        n ->
            new VolumeBuilder()
                .withName(BoundedNames.shorten(n))
                .withNewSecret()
                .withSecretName(secret)
                .withDefaultMode(0440)
                .endSecret()
                .build());
    mounts.computeIfAbsent(
        name,
        n ->
            new VolumeMountBuilder()
                .withName(BoundedNames.shorten(n))
                .withMountPath(path)
                .withReadOnly(true)
                .build());
    return path;
  }

  private String mountClaim(String claim, boolean writable) {
    String name = "claim-" + claim;
    String path = VOLUMES_ROOT + "/" + claim;
    volumes.computeIfAbsent(
        name,
        n ->
            new VolumeBuilder()
                .withName(BoundedNames.shorten(n))
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .endPersistentVolumeClaim()
                .build());
    VolumeMount existing = mounts.get(name);
    if (existing == null || (writable && Boolean.TRUE.equals(existing.getReadOnly()))) {
      mounts.put(
          name,
          new VolumeMountBuilder()
              .withName(BoundedNames.shorten(name))
              .withMountPath(path)
              .withReadOnly(!writable)
              .build());
    }
    return path;
  }
}
