package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pod's status through the {@code pods/status} subresource: reads the pod, renders the
 * {@link PodRunState} over its current status, and replaces it, trying again when another writer
 * (the scheduler, the Job controller's conditions) got there first.
 */
final class PodStatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(PodStatusWriter.class);
  private static final int ATTEMPTS = 10;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String uid;

  PodStatusWriter(KubernetesClient client, Pod pod) {
    this.client = client;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
  }

  /** Returns false when the pod is gone (or replaced by another of the same name). */
  synchronized boolean write(PodRunState state) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Pod current = client.pods().inNamespace(namespace).withName(name).get();
      if (current == null || !uid.equals(current.getMetadata().getUid())) {
        return false;
      }
      current.setStatus(state.render(current.getStatus()));
      try {
        client.pods().inNamespace(namespace).resource(current).replaceStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          LOG.warn("pod {}/{}: status not written: {}", namespace, name, e.getMessage());
          return true;
        }
      }
    }
    return true;
  }
}
