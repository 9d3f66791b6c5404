package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a pod's volumes into local directories: emptyDir, secret, configMap, downwardAPI and
 * projected volumes inside the pod's sandbox (one file per key, {@code items} honoured); a
 * persistentVolumeClaim as the hostPath of its bound PersistentVolume, else {@code
 * <root>/volumes/<namespace>/<claim>}, which outlives the pod so a replacement pod finds its
 * checkpoints; a hostPath as that very path.
 */
final class PodVolumes {

  private static final Logger LOG = LoggerFactory.getLogger(PodVolumes.class);

  private final KubernetesClient client;
  private final Path root;

  PodVolumes(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
  }

  /** The directory of each volume by name. */
  Map<String, Path> materialize(Pod pod, PodSandbox sandbox, String podIp, String hostIp)
      throws ContainerConfigException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    String namespace = pod.getMetadata().getNamespace();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : volumes) {
      Path dir = sandbox.volume(volume.getName());
      if (volume.getPersistentVolumeClaim() != null) {
        dir = claimDirectory(namespace, volume.getPersistentVolumeClaim().getClaimName());
      } else if (volume.getHostPath() != null) {
        dir = Path.of(volume.getHostPath().getPath());
      } else if (volume.getSecret() != null) {
        var source = volume.getSecret();
        writeKeys(
            dir,
            secretData(namespace, source.getSecretName(), source.getOptional()),
            source.getItems());
      } else if (volume.getConfigMap() != null) {
        var source = volume.getConfigMap();
        writeKeys(
            dir,
            configMapData(namespace, source.getName(), source.getOptional()),
            source.getItems());
      } else if (volume.getDownwardAPI() != null) {
        writeDownwardApi(dir, pod, volume.getDownwardAPI().getItems(), podIp, hostIp);
      } else if (volume.getProjected() != null) {
        for (VolumeProjection projection : volume.getProjected().getSources()) {
          project(dir, pod, projection, podIp, hostIp);
        }
      } else if (volume.getEmptyDir() == null) {
        LOG.warn(
            "pod {}/{}: volume {} has a type the local kubelet does not back; it is an empty directory",
            namespace,
            pod.getMetadata().getName(),
            volume.getName());
      }
      createDirectories(dir);
      dirs.put(volume.getName(), dir);
    }
    return dirs;
  }

  /**
   * Brings the pod's volumes of this ConfigMap up to date with its data, as a kubelet's periodic
   * sync does: each changed file is replaced atomically (a reader sees the old or the new content,
   * never a mix), a key that is gone is removed from a configMap volume. Returns how many files
   * changed.
   */
  int refresh(Pod pod, Map<String, Path> volumeDirectories, ConfigMap configMap) {
    String name = configMap.getMetadata().getName();
    Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    int changed = 0;
    for (Volume volume : volumes) {
      Path dir = volumeDirectories.get(volume.getName());
      if (dir == null) {
        continue;
      }
      try {
        if (volume.getConfigMap() != null && name.equals(volume.getConfigMap().getName())) {
          changed += syncKeys(dir, files(data, volume.getConfigMap().getItems()), true);
        } else if (volume.getProjected() != null) {
          for (VolumeProjection projection : volume.getProjected().getSources()) {
            if (projection.getConfigMap() != null
                && name.equals(projection.getConfigMap().getName())) {
              // Other sources share a projected volume's directory: write, never remove.
              changed += syncKeys(dir, files(data, projection.getConfigMap().getItems()), false);
            }
          }
        }
      } catch (ContainerConfigException e) {
        LOG.warn(
            "pod {}/{}: volume {} keeps its files: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            volume.getName(),
            e.getMessage());
      }
    }
    return changed;
  }

  /** Whether the pod mounts this ConfigMap (directly or in a projected volume). */
  static boolean mounts(Pod pod, String configMapName) {
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : volumes) {
      if (volume.getConfigMap() != null && configMapName.equals(volume.getConfigMap().getName())) {
        return true;
      }
      if (volume.getProjected() != null
          && volume.getProjected().getSources().stream()
              .anyMatch(
                  p ->
                      p.getConfigMap() != null
                          && configMapName.equals(p.getConfigMap().getName()))) {
        return true;
      }
    }
    return false;
  }

  /** Relative path → content, as {@code items} selects (all keys when it is empty). */
  private static Map<String, String> files(Map<String, String> data, List<KeyToPath> items)
      throws ContainerConfigException {
    Map<String, String> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      files.putAll(data);
      return files;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value == null) {
        throw new ContainerConfigException("key \"" + item.getKey() + "\" not found");
      }
      files.put(item.getPath(), value);
    }
    return files;
  }

  private static int syncKeys(Path dir, Map<String, String> files, boolean removeOthers) {
    int changed = 0;
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path target = dir.resolve(file.getKey());
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        Path staged = Files.createTempFile(target.getParent(), ".update-", ".tmp");
        Files.write(staged, content);
        Files.move(
            staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        changed++;
      }
      if (removeOthers) {
        List<Path> stale;
        try (var walk = Files.walk(dir)) {
          stale =
              walk.filter(Files::isRegularFile)
                  .filter(f -> !files.containsKey(dir.relativize(f).toString()))
                  .toList();
        }
        for (Path f : stale) {
          Files.deleteIfExists(f);
          changed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return changed;
  }

  /** The directory that backs a claim on this machine. */
  Path claimDirectory(String namespace, String claimName) {
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).get();
    if (claim != null && claim.getSpec().getVolumeName() != null) {
      PersistentVolume volume =
          client.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
      if (volume != null && volume.getSpec().getHostPath() != null) {
        return Path.of(volume.getSpec().getHostPath().getPath());
      }
    }
    return LocalClaimProvisioner.directory(root, namespace, claimName);
  }

  private void project(Path dir, Pod pod, VolumeProjection projection, String podIp, String hostIp)
      throws ContainerConfigException {
    String namespace = pod.getMetadata().getNamespace();
    if (projection.getSecret() != null) {
      var source = projection.getSecret();
      writeKeys(
          dir, secretData(namespace, source.getName(), source.getOptional()), source.getItems());
    } else if (projection.getConfigMap() != null) {
      var source = projection.getConfigMap();
      writeKeys(
          dir, configMapData(namespace, source.getName(), source.getOptional()), source.getItems());
    } else if (projection.getDownwardAPI() != null) {
      writeDownwardApi(dir, pod, projection.getDownwardAPI().getItems(), podIp, hostIp);
    } else if (projection.getServiceAccountToken() != null) {
      writeServiceAccountToken(dir, pod, projection.getServiceAccountToken());
    }
  }

  /**
   * The token a real kubelet would mount, from the TokenRequest API, so a process that reads it can
   * call the API server. A failure leaves it out rather than failing the pod: few local processes
   * need it.
   */
  private void writeServiceAccountToken(
      Path dir, Pod pod, io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection source) {
    String serviceAccount =
        pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    try {
      TokenRequest request =
          new TokenRequestBuilder()
              .withNewSpec()
              .withAudiences(
                  source.getAudience() == null ? List.of() : List.of(source.getAudience()))
              .withExpirationSeconds(source.getExpirationSeconds())
              .withNewBoundObjectRef()
              .withApiVersion("v1")
              .withKind("Pod")
              .withName(pod.getMetadata().getName())
              .withUid(pod.getMetadata().getUid())
              .endBoundObjectRef()
              .endSpec()
              .build();
      TokenRequest granted =
          client
              .serviceAccounts()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(serviceAccount)
              .tokenRequest(request);
      write(dir.resolve(source.getPath()), granted.getStatus().getToken());
    } catch (RuntimeException e) {
      LOG.warn(
          "pod {}/{}: no service account token mounted: {}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          e.getMessage());
    }
  }

  private Map<String, String> secretData(String namespace, String name, Boolean optional)
      throws ContainerConfigException {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new ContainerConfigException("secret \"" + name + "\" not found");
    }
    return decoded(secret);
  }

  private Map<String, String> configMapData(String namespace, String name, Boolean optional)
      throws ContainerConfigException {
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
    if (configMap == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new ContainerConfigException("configmap \"" + name + "\" not found");
    }
    return configMap.getData() == null ? Map.of() : configMap.getData();
  }

  static Map<String, String> decoded(Secret secret) {
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  private static void writeKeys(Path dir, Map<String, String> data, List<KeyToPath> items)
      throws ContainerConfigException {
    createDirectories(dir);
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> e : data.entrySet()) {
        write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value == null) {
        throw new ContainerConfigException("key \"" + item.getKey() + "\" not found");
      }
      write(dir.resolve(item.getPath()), value);
    }
  }

  private static void writeDownwardApi(
      Path dir, Pod pod, List<DownwardAPIVolumeFile> items, String podIp, String hostIp)
      throws ContainerConfigException {
    createDirectories(dir);
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile item : items) {
      if (item.getFieldRef() == null) {
        throw new ContainerConfigException(
            "downwardAPI item "
                + item.getPath()
                + ": only fieldRef is supported by the local kubelet");
      }
      write(
          dir.resolve(item.getPath()),
          PodFieldRef.resolve(pod, item.getFieldRef().getFieldPath(), podIp, hostIp).orElse(""));
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
