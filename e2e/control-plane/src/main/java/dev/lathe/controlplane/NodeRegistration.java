package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local node as the control plane sees it: the Node object (capacity, labels, taints, a
 * loopback address, Ready) and the two heartbeats the node-lifecycle controller watches — the
 * node's Lease in {@code kube-node-lease} and the Ready condition's {@code lastHeartbeatTime}.
 * Without them the controller would taint the node unreachable and evict its pods.
 */
final class NodeRegistration {

  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final int LEASE_DURATION_SECONDS = 40;
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistration.class);

  private final KubernetesClient client;
  private final LocalKubelet.Options options;
  private final String kubeletVersion;
  private final String bootId = UUID.randomUUID().toString();

  NodeRegistration(KubernetesClient client, LocalKubelet.Options options, String kubeletVersion) {
    this.client = client;
    this.options = options;
    this.kubeletVersion = kubeletVersion;
  }

  /** Creates the Node (replacing a stale one of the same name), Ready, and its first Lease. */
  void register() {
    Node stale = client.nodes().withName(options.nodeName()).get();
    if (stale != null) {
      client.nodes().withName(options.nodeName()).withGracePeriod(0).delete();
      client
          .nodes()
          .withName(options.nodeName())
          .waitUntilCondition(n -> n == null, 30, TimeUnit.SECONDS);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", options.nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", architecture());
    labels.put("type", "lathe-local");
    labels.putAll(options.labels());
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(options.nodeName())
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withTaints(options.taints())
                .endSpec()
                .build())
        .create();
    // The API server drops the status of a new Node; it is written through the status subresource.
    writeStatus();
    renewLease();
  }

  /** One heartbeat: the Lease's renew time and the Ready condition's heartbeat. */
  void heartbeat() {
    try {
      renewLease();
      writeStatus();
    } catch (KubernetesClientException e) {
      LOG.warn("node {}: heartbeat failed: {}", options.nodeName(), e.getMessage());
    }
  }

  /**
   * Whether the node-lifecycle controller has lifted the not-ready taint a new node starts with.
   */
  boolean schedulable() {
    Node node = client.nodes().withName(options.nodeName()).get();
    return node != null
        && (node.getSpec().getTaints() == null
            || node.getSpec().getTaints().stream()
                .noneMatch(t -> t.getKey().startsWith("node.kubernetes.io/")));
  }

  void deregister() {
    try {
      client.nodes().withName(options.nodeName()).withGracePeriod(0).delete();
      client.leases().inNamespace(LEASE_NAMESPACE).withName(options.nodeName()).delete();
    } catch (KubernetesClientException e) {
      LOG.warn("node {}: not deleted: {}", options.nodeName(), e.getMessage());
    }
  }

  /** Replaces the status, again when the node controller changed the Node in between. */
  private void writeStatus() {
    for (int attempt = 1; ; attempt++) {
      Node node = client.nodes().withName(options.nodeName()).require();
      node.setStatus(status(Instant.now(), node.getStatus()));
      try {
        client.nodes().resource(node).replaceStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private void renewLease() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(options.nodeName()).get();
    if (lease == null) {
      Node node = client.nodes().withName(options.nodeName()).get();
      LeaseBuilder fresh =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(options.nodeName())
              .withNamespace(LEASE_NAMESPACE)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(options.nodeName())
              .withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
              .withRenewTime(now)
              .endSpec();
      if (node != null) {
        // As a kubelet does: the garbage collector removes the Lease with its Node.
        fresh
            .editMetadata()
            .addNewOwnerReference()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(node.getMetadata().getName())
            .withUid(node.getMetadata().getUid())
            .endOwnerReference()
            .endMetadata();
      }
      client.leases().inNamespace(LEASE_NAMESPACE).resource(fresh.build()).create();
      return;
    }
    lease.getSpec().setRenewTime(now);
    client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).update();
  }

  private NodeStatus status(Instant now, NodeStatus current) {
    String heartbeat = PodRunState.timestamp(now);
    Map<String, Quantity> capacity = new LinkedHashMap<>(options.capacity());
    List<NodeCondition> conditions =
        List.of(
            condition(
                current,
                "Ready",
                "True",
                "KubeletReady",
                "the Lathe local kubelet is posting ready status",
                heartbeat),
            condition(
                current,
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "local processes are not limited",
                heartbeat),
            condition(
                current,
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "local processes are not limited",
                heartbeat),
            condition(
                current,
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "local processes are not limited",
                heartbeat));
    return new NodeStatusBuilder()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withConditions(conditions)
        .addNewAddress("127.0.0.1", "InternalIP")
        .addNewAddress(options.nodeName(), "Hostname")
        .withNewNodeInfo()
        .withKubeletVersion(kubeletVersion)
        .withKubeProxyVersion("")
        .withContainerRuntimeVersion("lathe-local://1")
        .withOperatingSystem("linux")
        .withArchitecture(architecture())
        .withOsImage(System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .withKernelVersion(System.getProperty("os.version"))
        .withMachineID(bootId.replace("-", ""))
        .withSystemUUID(bootId)
        .withBootID(bootId)
        .endNodeInfo()
        .build();
  }

  private static NodeCondition condition(
      NodeStatus current, String type, String value, String reason, String message, String now) {
    String since =
        current == null || current.getConditions() == null
            ? now
            : current.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(NodeCondition::getLastTransitionTime)
                .findFirst()
                .orElse(now);
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(since)
        .build();
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
