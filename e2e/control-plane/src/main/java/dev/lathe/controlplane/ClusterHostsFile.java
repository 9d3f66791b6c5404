package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster DNS for the local node's processes. A kubelet points a pod's resolver at the cluster's
 * DNS, where {@code SERVICE.NAMESPACE.svc.cluster.local} names the Service; this node has no
 * cluster DNS and no kube-proxy, so it gives every JVM it starts a hosts file ({@code
 * -Djdk.net.hosts.file}, which the JDK reads on each lookup) naming each Service by the addresses
 * of its ready endpoints — what a headless Service's name resolves to. A Service is therefore
 * reached on its pods' port, which is its own port for every Service Lathe makes (8000 → 8000); one
 * whose port differs from its target port is not reachable by name here.
 *
 * <p>The JDK then resolves only what the file names, so it also names {@code localhost} and this
 * machine's host name, as a kubelet's {@code /etc/hosts} does for a pod.
 */
final class ClusterHostsFile {

  static final String CLUSTER_DOMAIN = "cluster.local";

  /** The JVM option that makes the JDK resolve names through this file alone. */
  static final String JVM_OPTION = "-Djdk.net.hosts.file=";

  private final Path file;

  ClusterHostsFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  /** {@code JAVA_TOOL_OPTIONS} for a container: what it declares, then this file. */
  String javaToolOptions(Optional<String> declared) {
    String option = JVM_OPTION + file;
    return declared.filter(d -> !d.isBlank()).map(d -> d + " " + option).orElse(option);
  }

  /** Rewrites the file for these slices; a reader sees the old file or the new one, never half. */
  void write(Collection<EndpointSlice> slices) {
    try {
      Files.createDirectories(file.getParent());
      Path next = file.resolveSibling(file.getFileName() + ".next");
      Files.writeString(next, render(slices, machine()));
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The hosts file: loopback names, then per Service one line per ready endpoint address with the
   * Service's three DNS forms, in a stable order so an unchanged cluster writes the same bytes.
   */
  static String render(Collection<EndpointSlice> slices, Map.Entry<String, String> machine) {
    StringBuilder out = new StringBuilder();
    out.append("# Written by the local kubelet: cluster DNS for this node's pods.\n");
    out.append("127.0.0.1 localhost\n");
    out.append("::1 localhost ip6-localhost\n");
    if (machine != null && !"localhost".equals(machine.getKey())) {
      out.append(machine.getValue()).append(' ').append(machine.getKey()).append('\n');
    }
    List<EndpointSlice> sorted = new ArrayList<>(slices);
    sorted.sort(
        Comparator.comparing((EndpointSlice s) -> s.getMetadata().getNamespace())
            .thenComparing(ClusterHostsFile::serviceName));
    for (EndpointSlice slice : sorted) {
      String service = serviceName(slice);
      if (service.isEmpty() || slice.getEndpoints() == null) {
        continue;
      }
      String ns = slice.getMetadata().getNamespace();
      String names =
          service + "." + ns + ".svc." + CLUSTER_DOMAIN + " " + service + "." + ns + ".svc";
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (!ready(endpoint) || endpoint.getAddresses() == null) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          out.append(address).append(' ').append(names).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String serviceName(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    return labels == null ? "" : labels.getOrDefault(LocalEndpointSlices.SERVICE_NAME, "");
  }

  /** Ready, or unset, which the EndpointSlice API defines as ready. */
  private static boolean ready(Endpoint endpoint) {
    return endpoint.getConditions() == null
        || endpoint.getConditions().getReady() == null
        || endpoint.getConditions().getReady();
  }

  /** This machine's host name and address, as the kubelet's own JVM resolves them. */
  private static Map.Entry<String, String> machine() {
    try {
      InetAddress local = InetAddress.getLocalHost();
      return Map.entry(local.getHostName(), local.getHostAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
