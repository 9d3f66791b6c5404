package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Gateway API implementation for the local cluster: Traefik (built by e2e/gateway/build.sh)
 * as a local process with its Kubernetes Gateway provider watching the local API server, the
 * Gateway API standard-channel CRDs installed, a GatewayClass {@value #GATEWAY_CLASS} and a Gateway
 * {@value #NAMESPACE}/{@value #GATEWAY} whose one HTTP listener is a loopback port. An HTTPRoute
 * that names that Gateway as its parent routes to a Service's EndpointSlice addresses, which on the
 * local node are the pods' loopback addresses.
 *
 * <p>Traefik runs as its own ServiceAccount with the RBAC that Traefik documents for the provider,
 * and a token from the TokenRequest API; nothing listens beyond 127.0.0.1, and the version check
 * and anonymous usage statistics are off.
 */
public final class LocalGateway implements AutoCloseable {

  /** The namespace of the Gateway and of Traefik's ServiceAccount. */
  public static final String NAMESPACE = "lathe-gateway";

  /** The Gateway that HTTPRoutes name as their parent. */
  public static final String GATEWAY = "lathe";

  /** The GatewayClass of Traefik's controller. */
  public static final String GATEWAY_CLASS = "traefik";

  /** The controller name Traefik's Gateway provider answers for. */
  public static final String CONTROLLER_NAME = "traefik.io/gateway-controller";

  /** The Gateway's listener, for an HTTPRoute's parentRefs sectionName. */
  public static final String LISTENER = "http";

  private static final Logger LOG = LoggerFactory.getLogger(LocalGateway.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final String SERVICE_ACCOUNT = "traefik";
  private static final String CLUSTER_ROLE = "lathe-gateway-traefik";
  // Long enough for a local session; a new gateway gets a new token.
  private static final long TOKEN_SECONDS = Duration.ofDays(7).toSeconds();

  private final ManagedProcess process;
  private final int port;

  private LocalGateway(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Installs the CRDs, the RBAC and the GatewayClass, starts Traefik and creates the Gateway;
   * returns once Traefik reports the Gateway Programmed.
   */
  public static LocalGateway start(LocalControlPlane plane, GatewayBinaries binaries) {
    Instant began = Instant.now();
    KubernetesClient client = plane.client();
    plane.installCrds(binaries.crdDirectory());
    Path dir = plane.workDirectory().resolve("gateway");
    createDirectories(dir);
    apply(client, rbac());
    Path token = dir.resolve("token");
    writePrivate(token, token(client));

    int port = LocalControlPlane.freePort();
    int pingPort = LocalControlPlane.freePort();
    ManagedProcess process =
        ManagedProcess.start(
            "traefik",
            List.of(
                binaries.traefik().toString(),
                // Nothing phones home: no version check, no usage statistics.
                "--global.checkNewVersion=false",
                "--global.sendAnonymousUsage=false",
                "--log.level=INFO",
                "--entryPoints." + LISTENER + ".address=127.0.0.1:" + port,
                // Traefik's own entry point (ping only; no API, no dashboard), also on loopback.
                "--entryPoints.traefik.address=127.0.0.1:" + pingPort,
                "--ping=true",
                "--ping.entryPoint=traefik",
                "--providers.kubernetesgateway=true",
                "--providers.kubernetesgateway.endpoint=" + plane.serverUrl(),
                "--providers.kubernetesgateway.token=" + token,
                "--providers.kubernetesgateway.certAuthFilePath=" + plane.certificateAuthority(),
                "--providers.kubernetesgateway.statusAddress.ip=127.0.0.1"),
            dir);
    LocalGateway gateway = new LocalGateway(process, port);
    try {
      apply(client, gatewayClassAndGateway(port));
      gateway.await("Traefik listening", () -> listening(port) && listening(pingPort));
      gateway.await(
          "Gateway " + NAMESPACE + "/" + GATEWAY + " Programmed", () -> programmed(client));
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
    LOG.info(
        "local gateway: Traefik {} serving Gateway {}/{} at {} in {} ms (log {})",
        binaries.traefikVersion(),
        NAMESPACE,
        GATEWAY,
        gateway.url(),
        Duration.between(began, Instant.now()).toMillis(),
        dir.resolve("traefik.log"));
    return gateway;
  }

  /** The Gateway's listener as a URL, e.g. {@code http://127.0.0.1:24567}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Traefik's process id, e.g. to check none outlives {@link #close()}. */
  public long pid() {
    return process.pid();
  }

  /** The last lines of Traefik's log, for a failing test to print. */
  public String logTail(int lines) {
    return process.tail(lines);
  }

  /** Stops Traefik; the Gateway API objects stay with the control plane. */
  @Override
  public void close() {
    process.close();
  }

  private void await(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!condition.getAsBoolean()) {
      process.requireAlive();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            what
                + " not reached within "
                + START_TIMEOUT
                + "; Traefik's log:\n"
                + process.tail(40));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static boolean programmed(KubernetesClient client) {
    GenericKubernetesResource gateway =
        client
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway")
            .inNamespace(NAMESPACE)
            .withName(GATEWAY)
            .get();
    if (gateway == null
        || !(gateway.getAdditionalProperties().get("status") instanceof Map<?, ?> s)
        || !(s.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream()
        .anyMatch(
            c ->
                c instanceof Map<?, ?> m
                    && "Programmed".equals(m.get("type"))
                    && "True".equals(m.get("status")));
  }

  private static String token(KubernetesClient client) {
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(TOKEN_SECONDS)
            .endSpec()
            .build();
    return client
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .withName(SERVICE_ACCOUNT)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /**
   * The permissions Traefik documents for its Kubernetes Gateway provider: read namespaces,
   * Services, EndpointSlices, Secrets, ConfigMaps and the Gateway API kinds, and update their
   * status.
   */
  private static String rbac() {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %1$s
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: %2$s
          namespace: %1$s
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: %3$s
        rules:
        - apiGroups: [""]
          resources: [namespaces]
          verbs: [list, watch]
        - apiGroups: [""]
          resources: [services, secrets, configmaps]
          verbs: [get, list, watch]
        - apiGroups: [discovery.k8s.io]
          resources: [endpointslices]
          verbs: [list, watch]
        - apiGroups: [gateway.networking.k8s.io]
          resources: [gatewayclasses, gateways, httproutes, grpcroutes, tcproutes, tlsroutes, referencegrants, backendtlspolicies]
          verbs: [get, list, watch]
        - apiGroups: [gateway.networking.k8s.io]
          resources: [gatewayclasses/status, gateways/status, httproutes/status, grpcroutes/status, tcproutes/status, tlsroutes/status, referencegrants/status, backendtlspolicies/status]
          verbs: [update]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: %3$s
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: %3$s
        subjects:
        - kind: ServiceAccount
          name: %2$s
          namespace: %1$s
        """
        .formatted(NAMESPACE, SERVICE_ACCOUNT, CLUSTER_ROLE);
  }

  private static String gatewayClassAndGateway(int port) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: %1$s
        spec:
          controllerName: %2$s
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: %3$s
          namespace: %4$s
        spec:
          gatewayClassName: %1$s
          listeners:
          - name: %5$s
            protocol: HTTP
            port: %6$d
            allowedRoutes:
              namespaces:
                from: All
        """
        .formatted(GATEWAY_CLASS, CONTROLLER_NAME, GATEWAY, NAMESPACE, LISTENER, port);
  }

  private static void apply(KubernetesClient client, String yaml) {
    for (String document : yaml.split("(?m)^---$")) {
      client.resource(document).forceConflicts().serverSideApply();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void writePrivate(Path file, String content) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
