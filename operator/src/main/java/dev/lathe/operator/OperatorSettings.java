package dev.lathe.operator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, read from environment variables (documented in docs/environment.md).
 *
 * @param leaderElection whether replicas elect a leader through a Lease (LATHE_LEADER_ELECTION)
 * @param leaseName the Lease's name (LATHE_LEASE_NAME)
 * @param leaseNamespace the Lease's namespace (LATHE_LEASE_NAMESPACE, else POD_NAMESPACE); null
 *     means the client's current namespace
 * @param watchNamespaces namespaces to reconcile (LATHE_WATCH_NAMESPACES, comma-separated); empty
 *     means every namespace
 * @param httpPort the port of /healthz, /readyz and /metrics (LATHE_HTTP_PORT)
 * @param httpAddress the address that server binds (LATHE_HTTP_ADDRESS, an IP literal; default
 *     0.0.0.0, every interface, as kubelet probes and scrapers reach the pod's IP)
 * @param recheckInterval how soon a spec rejected for a missing Secret, claim or ModelVersion is
 *     looked at again (LATHE_RECHECK_SECONDS)
 * @param workloads how training, verification and serving workloads are built, and artifacts
 *     signed; among them the Gateway that ModelDeployments are routed through (LATHE_GATEWAY =
 *     NAMESPACE/NAME[/LISTENER], LATHE_GATEWAY_URL; absent: no route, the endpoint is the Service's
 *     in-cluster URL)
 */
public record OperatorSettings(
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    Set<String> watchNamespaces,
    int httpPort,
    String httpAddress,
    Duration recheckInterval,
    WorkloadSettings workloads) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_HTTP_ADDRESS = "0.0.0.0";
  public static final String DEFAULT_LEASE_NAME = "lathe-operator-leader";

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("LATHE_WATCH_NAMESPACES", "");
    return new OperatorSettings(
        Boolean.parseBoolean(env.getOrDefault("LATHE_LEADER_ELECTION", "true")),
        env.getOrDefault("LATHE_LEASE_NAME", DEFAULT_LEASE_NAME),
        env.getOrDefault("LATHE_LEASE_NAMESPACE", env.get("POD_NAMESPACE")),
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        parsePort(env.getOrDefault("LATHE_HTTP_PORT", String.valueOf(DEFAULT_HTTP_PORT))),
        parseAddress(env.getOrDefault("LATHE_HTTP_ADDRESS", DEFAULT_HTTP_ADDRESS)),
        Duration.ofSeconds(
            parsePositive(
                "LATHE_RECHECK_SECONDS", env.getOrDefault("LATHE_RECHECK_SECONDS", "30"))),
        WorkloadSettings.fromEnvironment(env));
  }

  static long parsePositive(String name, String value) {
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed <= 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a positive number, was: " + value, e);
    }
  }

  /** An IP literal only: a host name would be resolved at start, which may hang or mislead. */
  static String parseAddress(String value) {
    String address = value.trim();
    boolean literal =
        address.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$")
            || address.matches("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");
    if (!literal) {
      throw new IllegalArgumentException(
          "LATHE_HTTP_ADDRESS must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, was: "
              + value);
    }
    try {
      java.net.InetAddress.getByName(address);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(
          "LATHE_HTTP_ADDRESS must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, was: "
              + value,
          e);
    }
    return address;
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("LATHE_HTTP_PORT must be a port number, was: " + value, e);
    }
  }
}
