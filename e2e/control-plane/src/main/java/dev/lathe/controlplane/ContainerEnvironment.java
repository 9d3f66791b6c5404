package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a container declares, as the kubelet computes it: {@code envFrom} first, then
 * {@code env} (which wins), each value with {@code $(VAR)} expanded against those before it.
 * Secrets and ConfigMaps are read through the API; a missing one (or key) that is not {@code
 * optional} is a {@link ContainerConfigException}.
 */
final class ContainerEnvironment {

  private final KubernetesClient client;

  ContainerEnvironment(KubernetesClient client) {
    this.client = client;
  }

  Map<String, String> resolve(Pod pod, Container container, String podIp, String hostIp)
      throws ContainerConfigException {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource source : container.getEnvFrom()) {
        String prefix = source.getPrefix() == null ? "" : source.getPrefix();
        Map<String, String> values = Map.of();
        if (source.getSecretRef() != null) {
          Secret secret =
              client
                  .secrets()
                  .inNamespace(namespace)
                  .withName(source.getSecretRef().getName())
                  .get();
          if (secret != null) {
            values = PodVolumes.decoded(secret);
          } else if (!Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
            throw new ContainerConfigException(
                "secret \"" + source.getSecretRef().getName() + "\" not found");
          }
        } else if (source.getConfigMapRef() != null) {
          ConfigMap configMap =
              client
                  .configMaps()
                  .inNamespace(namespace)
                  .withName(source.getConfigMapRef().getName())
                  .get();
          if (configMap != null && configMap.getData() != null) {
            values = configMap.getData();
          } else if (configMap == null
              && !Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
            throw new ContainerConfigException(
                "configmap \"" + source.getConfigMapRef().getName() + "\" not found");
          }
        }
        values.forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        if (var.getValueFrom() == null) {
          env.put(
              var.getName(),
              DependentVariables.expand(var.getValue() == null ? "" : var.getValue(), env));
          continue;
        }
        String value = valueFrom(pod, var.getName(), var.getValueFrom(), podIp, hostIp);
        if (value != null) {
          env.put(var.getName(), value);
        }
      }
    }
    return env;
  }

  /** The value of a {@code valueFrom}, or null when an optional source is missing. */
  private String valueFrom(Pod pod, String name, EnvVarSource source, String podIp, String hostIp)
      throws ContainerConfigException {
    String namespace = pod.getMetadata().getNamespace();
    if (source.getFieldRef() != null) {
      return PodFieldRef.resolve(pod, source.getFieldRef().getFieldPath(), podIp, hostIp)
          .orElse("");
    }
    if (source.getSecretKeyRef() != null) {
      SecretKeySelector ref = source.getSecretKeyRef();
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
      String value = secret == null ? null : PodVolumes.decoded(secret).get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ContainerConfigException(
            secret == null
                ? "secret \"" + ref.getName() + "\" not found"
                : "couldn't find key "
                    + ref.getKey()
                    + " in Secret "
                    + namespace
                    + "/"
                    + ref.getName());
      }
      return value;
    }
    if (source.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = source.getConfigMapKeyRef();
      ConfigMap configMap =
          client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
      String value =
          configMap == null || configMap.getData() == null
              ? null
              : configMap.getData().get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ContainerConfigException(
            configMap == null
                ? "configmap \"" + ref.getName() + "\" not found"
                : "couldn't find key "
                    + ref.getKey()
                    + " in ConfigMap "
                    + namespace
                    + "/"
                    + ref.getName());
      }
      return value;
    }
    throw new ContainerConfigException(
        "env " + name + ": resourceFieldRef and fileKeyRef are not supported by the local kubelet");
  }
}
