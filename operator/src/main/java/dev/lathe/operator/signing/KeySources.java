package dev.lathe.operator.signing;

import dev.lathe.operator.WorkloadSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Where {@link OperatorKeys} reads the signing key Secret and the trust policy ConfigMap, both in
 * the operator's namespace: {@link InformedKeySources} from informer caches (what the running
 * operator uses, so a reconcile reads no key over the network), or {@link #byGet} on each use.
 */
public interface KeySources {

  Optional<Secret> signingSecret();

  Optional<ConfigMap> trustConfigMap();

  /** A GET of each object on every use. */
  static KeySources byGet(KubernetesClient client, WorkloadSettings settings) {
    return new KeySources() {
      @Override
      public Optional<Secret> signingSecret() {
        return Optional.ofNullable(
            client
                .secrets()
                .inNamespace(settings.operatorNamespace())
                .withName(settings.signingSecret())
                .get());
      }

      @Override
      public Optional<ConfigMap> trustConfigMap() {
        return Optional.ofNullable(
            client
                .configMaps()
                .inNamespace(settings.operatorNamespace())
                .withName(settings.trustConfigMap())
                .get());
      }
    };
  }
}
