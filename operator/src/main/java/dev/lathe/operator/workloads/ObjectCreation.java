package dev.lathe.operator.workloads;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Creates children by their deterministic names, so a restarted operator repeats creations safely:
 * an object that already exists is left as it is.
 */
public final class ObjectCreation {

  private ObjectCreation() {}

  public static void createIfAbsent(KubernetesClient client, HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
