package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every unbound PersistentVolumeClaim a hostPath PersistentVolume at {@code
 * <root>/volumes/<namespace>/<claim>}, pre-bound to it, so the PV controller binds the claim. The
 * scheduler places no pod whose claim is unbound, and the control plane has no storage provisioner
 * of its own. The volume is retained: its directory outlives pods, which is how checkpoints survive
 * a pod being replaced.
 */
final class LocalClaimProvisioner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalClaimProvisioner.class);

  private final KubernetesClient client;
  private final Path root;
  private final SharedIndexInformer<PersistentVolumeClaim> informer;

  LocalClaimProvisioner(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
    this.informer =
        client
            .persistentVolumeClaims()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(PersistentVolumeClaim claim) {
                    provision(claim);
                  }

                  @Override
                  public void onUpdate(PersistentVolumeClaim old, PersistentVolumeClaim claim) {
                    provision(claim);
                  }

                  @Override
                  public void onDelete(PersistentVolumeClaim claim, boolean unknown) {}
                },
                0);
  }

  static Path directory(Path root, String namespace, String claim) {
    return root.resolve("volumes").resolve(namespace).resolve(claim);
  }

  private void provision(PersistentVolumeClaim claim) {
    if (claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty()
        || claim.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String namespace = claim.getMetadata().getNamespace();
    String name = claim.getMetadata().getName();
    Path dir = directory(root, namespace, name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Quantity> requests =
        claim.getSpec().getResources() == null
            ? null
            : claim.getSpec().getResources().getRequests();
    Quantity size =
        requests == null || !requests.containsKey("storage")
            ? new Quantity("1Gi")
            : requests.get("storage");
    List<String> modes =
        claim.getSpec().getAccessModes() == null || claim.getSpec().getAccessModes().isEmpty()
            ? List.of("ReadWriteOnce")
            : claim.getSpec().getAccessModes();
    PersistentVolume volume =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName("lathe-local-" + claim.getMetadata().getUid())
            .addToLabels("lathe.dev/local-claim", "true")
            .endMetadata()
            .withNewSpec()
            .addToCapacity("storage", size)
            .withAccessModes(modes)
            // The PV controller binds only when the classes match; "" is "no class".
            .withStorageClassName(
                claim.getSpec().getStorageClassName() == null
                    ? ""
                    : claim.getSpec().getStorageClassName())
            .withVolumeMode(claim.getSpec().getVolumeMode())
            .withPersistentVolumeReclaimPolicy("Retain")
            .withNewHostPath()
            .withPath(dir.toString())
            .withType("DirectoryOrCreate")
            .endHostPath()
            .withNewClaimRef()
            .withApiVersion("v1")
            .withKind("PersistentVolumeClaim")
            .withNamespace(namespace)
            .withName(name)
            .withUid(claim.getMetadata().getUid())
            .endClaimRef()
            .endSpec()
            .build();
    try {
      client.persistentVolumes().resource(volume).create();
      LOG.info(
          "claim {}/{}: provisioned {} at {}",
          namespace,
          name,
          volume.getMetadata().getName(),
          dir);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        LOG.warn("claim {}/{}: no volume provisioned: {}", namespace, name, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
