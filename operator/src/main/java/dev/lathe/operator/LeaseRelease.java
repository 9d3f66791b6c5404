package dev.lathe.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the leader Lease up when a leader stops, so a standby takes over at its next retry instead
 * of waiting for the Lease to expire. JOSDK's leader elector does not release on stop. The Lease is
 * changed only while this operator still holds it, with its resourceVersion, so a Lease a standby
 * already took is left alone.
 */
final class LeaseRelease {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  static void release(KubernetesClient client, String namespace, String name, String identity) {
    String in = namespace != null ? namespace : client.getNamespace();
    try {
      Lease lease = client.resources(Lease.class).inNamespace(in).withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now());
      client.resource(lease).update();
      LOG.info("released Lease {}/{}", in, name);
    } catch (KubernetesClientException e) {
      // Not fatal: the standby takes over when the Lease expires, as it would after a crash.
      LOG.warn("could not release Lease {}/{}: {}", in, name, e.getMessage());
    }
  }
}
