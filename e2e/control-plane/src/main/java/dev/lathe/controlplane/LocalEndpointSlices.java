package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EndpointSlices of this node's pods, which the real endpointslice controller cannot write: the
 * API server refuses loopback addresses in an IPv4 EndpointSlice ("may not be in the loopback
 * range", core validation's ValidateEndpointIP), and every pod here has one. So for each Service
 * with a selector, this node keeps one slice of address type FQDN — whose addresses are checked as
 * DNS names, which a dotted loopback address is — listing its matching pods with the conditions a
 * kubelet's pod status implies (ready = the pod's Ready condition, terminating = being deleted),
 * labelled as the Service is and {@code kubernetes.io/service-name} so consumers that list a
 * Service's slices (Traefik's Gateway provider does) find it, and owned by the Service so it goes
 * with it.
 *
 * <p>The real controller's own slice for the Service stays empty (it keeps retrying the write the
 * API server refuses); consumers skip it as it has no ports.
 */
final class LocalEndpointSlices {

  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String MANAGER = "local-kubelet.lathe.dev";
  static final String SERVICE_NAME = "kubernetes.io/service-name";

  private static final Logger LOG = LoggerFactory.getLogger(LocalEndpointSlices.class);

  private final KubernetesClient client;
  private final String nodeName;

  LocalEndpointSlices(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  /** Brings this node's slices in {@code namespace} in line with its Services and pods. */
  void reconcile(String namespace, Collection<Service> services, Supplier<List<Pod>> nodePods) {
    List<Pod> pods =
        nodePods.get().stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .toList();
    for (Service service : services) {
      if (!namespace.equals(service.getMetadata().getNamespace())
          || service.getSpec() == null
          || service.getSpec().getSelector() == null
          || service.getSpec().getSelector().isEmpty()) {
        continue;
      }
      EndpointSlice desired = desired(service, pods);
      try {
        EndpointSlice current =
            client
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withName(desired.getMetadata().getName())
                .get();
        if (current == null) {
          client.resource(desired).create();
        } else if (!Objects.equals(current.getEndpoints(), desired.getEndpoints())
            || !Objects.equals(current.getPorts(), desired.getPorts())
            || !Objects.equals(
                current.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
          current.setEndpoints(desired.getEndpoints());
          current.setPorts(desired.getPorts());
          current.getMetadata().setLabels(desired.getMetadata().getLabels());
          client.resource(current).update();
        }
      } catch (KubernetesClientException e) {
        // A conflict or a Service deleted meanwhile: the next event reconciles again.
        LOG.warn(
            "endpointslice {}/{} not written (the next change tries again): {}",
            namespace,
            desired.getMetadata().getName(),
            e.getMessage());
      }
    }
  }

  /** The slices this node's pods give every Service with a selector, in any namespace. */
  List<EndpointSlice> desiredAll(Collection<Service> services, List<Pod> nodePods) {
    List<EndpointSlice> slices = new ArrayList<>();
    for (Service service : services) {
      if (service.getSpec() == null
          || service.getSpec().getSelector() == null
          || service.getSpec().getSelector().isEmpty()) {
        continue;
      }
      String namespace = service.getMetadata().getNamespace();
      slices.add(
          desired(
              service,
              nodePods.stream()
                  .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
                  .toList()));
    }
    return slices;
  }

  /** The slice's name: one per Service and node. */
  String sliceName(Service service) {
    String name = service.getMetadata().getName() + "-" + nodeName;
    return name.length() <= 253 ? name : name.substring(0, 253);
  }

  EndpointSlice desired(Service service, List<Pod> pods) {
    Map<String, String> selector = service.getSpec().getSelector();
    List<Pod> selected =
        pods.stream()
            .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
            .filter(p -> !terminal(p))
            .filter(p -> labelsMatch(p.getMetadata().getLabels(), selector))
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    List<Endpoint> endpoints = new ArrayList<>();
    for (Pod pod : selected) {
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean ready = ready(pod);
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(pod.getStatus().getPodIP())
              .withNewConditions()
              .withReady(ready && !terminating)
              .withServing(ready)
              .withTerminating(terminating)
              .endConditions()
              .withNodeName(nodeName)
              .withNewTargetRef()
              .withKind("Pod")
              .withNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .withUid(pod.getMetadata().getUid())
              .endTargetRef()
              .build());
    }
    List<EndpointPort> ports = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      targetPort(port, selected)
          .ifPresent(
              number ->
                  ports.add(
                      new EndpointPortBuilder()
                          .withName(port.getName() == null ? "" : port.getName())
                          .withPort(number)
                          .withProtocol(port.getProtocol() == null ? "TCP" : port.getProtocol())
                          .withAppProtocol(port.getAppProtocol())
                          .build()));
    }
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(sliceName(service))
        .withNamespace(service.getMetadata().getNamespace())
        // The Service's own labels, as the endpointslice controller copies them, so that consumers
        // that select slices by their Service's labels (the Lathe operator does) find these too.
        .withLabels(serviceLabels(service))
        .addToLabels(SERVICE_NAME, service.getMetadata().getName())
        .addToLabels(MANAGED_BY, MANAGER)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Service")
                .withName(service.getMetadata().getName())
                .withUid(service.getMetadata().getUid())
                .withController(false)
                .withBlockOwnerDeletion(false)
                .build())
        .endMetadata()
        .withAddressType("FQDN")
        .withEndpoints(endpoints)
        .withPorts(ports)
        .build();
  }

  private static Map<String, String> serviceLabels(Service service) {
    Map<String, String> labels =
        new HashMap<>(Optional.ofNullable(service.getMetadata().getLabels()).orElse(Map.of()));
    labels.remove(SERVICE_NAME);
    labels.remove(MANAGED_BY);
    return labels;
  }

  /**
   * The Service port's target on the pods: a number as it is; a name looked up in the first
   * selected pod's container ports (as the endpointslice controller does per pod); empty when no
   * pod names it.
   */
  private static Optional<Integer> targetPort(ServicePort port, List<Pod> pods) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return Optional.of(port.getPort());
    }
    if (target.getIntVal() != null) {
      return Optional.of(target.getIntVal());
    }
    for (Pod pod : pods) {
      for (Container container : pod.getSpec().getContainers()) {
        if (container.getPorts() == null) {
          continue;
        }
        for (ContainerPort p : container.getPorts()) {
          if (target.getStrVal().equals(p.getName())) {
            return Optional.of(p.getContainerPort());
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean labelsMatch(Map<String, String> labels, Map<String, String> selector) {
    return labels != null
        && selector.entrySet().stream()
            .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  private static boolean terminal(Pod pod) {
    String phase = pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
