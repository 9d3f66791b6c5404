package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver, and on request
 * kube-controller-manager and kube-scheduler, each a child process on free ports with throw-away
 * certificates and tokens. There is no kubelet: pods are scheduled but never run.
 *
 * <p>{@link #close()} stops every process it started (and a JVM shutdown hook does too), so a test
 * run leaves nothing behind. The admin kubeconfig lets the real kubectl talk to it.
 */
public final class LocalControlPlane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalControlPlane.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final SecureRandom PORTS = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path workDir;
  private final String server;
  private final Path kubeconfig;
  private Path certificateAuthority;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopProcesses, "lathe-control-plane-stop");
  private KubernetesClient client;
  private LocalGateway gateway;

  private LocalControlPlane(Path workDir, int apiServerPort) {
    this.workDir = workDir;
    this.server = "https://127.0.0.1:" + apiServerPort;
    this.kubeconfig = workDir.resolve("admin.kubeconfig");
  }

  /**
   * What to start.
   *
   * @param controllers also kube-controller-manager and kube-scheduler
   * @param crdDirectory CRDs to install (null: none)
   * @param gateway the local gateway (Traefik and the Gateway API CRDs) to start (null: none); see
   *     {@link LocalGateway}
   */
  public record Options(boolean controllers, Path crdDirectory, GatewayBinaries gateway) {
    /** etcd and kube-apiserver only. */
    public static Options apiServerOnly() {
      return new Options(false, null, null);
    }

    /** etcd, kube-apiserver, kube-controller-manager and kube-scheduler. */
    public static Options withControllers() {
      return new Options(true, null, null);
    }

    /** Also installs the CRDs in {@code directory} and waits until they are established. */
    public Options installingCrdsFrom(Path directory) {
      return new Options(controllers, directory, gateway);
    }

    /** Also starts the local gateway (it needs the controllers for EndpointSlices). */
    public Options withGateway(GatewayBinaries binaries) {
      return new Options(controllers, crdDirectory, binaries);
    }
  }

  public static LocalControlPlane start(ControlPlaneBinaries binaries, Options options) {
    Instant began = Instant.now();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("lathe-control-plane-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalControlPlane plane = new LocalControlPlane(workDir, freePort());
    Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
    try {
      plane.startProcesses(binaries, options);
      if (options.crdDirectory() != null) {
        plane.installCrds(options.crdDirectory());
      }
      if (options.gateway() != null) {
        plane.gateway(options.gateway());
      }
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
    LOG.info(
        "Kubernetes {} control plane up at {} in {} ms (kubeconfig {})",
        binaries.kubernetesVersion(),
        plane.server,
        Duration.between(began, Instant.now()).toMillis(),
        plane.kubeconfig);
    return plane;
  }

  private void startProcesses(ControlPlaneBinaries bin, Options options) {
    Pki pki = Pki.create(workDir.resolve("pki"));
    certificateAuthority = pki.caCert;
    String adminToken = newToken();
    String controllerManagerToken = newToken();
    String schedulerToken = newToken();
    write(
        workDir.resolve("tokens.csv"),
        adminToken
            + ",lathe-admin,lathe-admin,\"system:masters\"\n"
            + controllerManagerToken
            + ",system:kube-controller-manager,system:kube-controller-manager\n"
            + schedulerToken
            + ",system:kube-scheduler,system:kube-scheduler\n");
    write(kubeconfig, kubeconfig("lathe-admin", adminToken, pki));

    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    String etcd = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    ManagedProcess etcdProcess =
        launch(
            "etcd",
            List.of(
                bin.etcd().toString(),
                "--name=lathe",
                "--data-dir=" + workDir.resolve("etcd"),
                "--listen-client-urls=" + etcd,
                "--advertise-client-urls=" + etcd,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=lathe=" + peer,
                "--initial-cluster-state=new",
                // Test data is thrown away: durability buys nothing and costs seconds.
                "--unsafe-no-fsync=true"));
    await("etcd health", etcdProcess, () -> httpOk(etcd + "/health"));

    ManagedProcess apiServer =
        launch(
            "kube-apiserver",
            List.of(
                bin.apiServer().toString(),
                "--etcd-servers=" + etcd,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + URI.create(server).getPort(),
                "--tls-cert-file=" + pki.serverCert,
                "--tls-private-key-file=" + pki.serverKey,
                "--client-ca-file=" + pki.caCert,
                "--token-auth-file=" + workDir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.serviceAccountPublicKey,
                "--service-account-signing-key-file=" + pki.serviceAccountKey,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--allow-privileged=true",
                // No kubelets and one apiserver: nothing to reconcile endpoints against.
                "--endpoint-reconciler-type=none",
                "--requestheader-client-ca-file=" + pki.caCert,
                "--requestheader-allowed-names=front-proxy-client",
                "--requestheader-username-headers=X-Remote-User",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--proxy-client-cert-file=" + pki.frontProxyCert,
                "--proxy-client-key-file=" + pki.frontProxyKey,
                "--cert-dir=" + workDir.resolve("apiserver-certs")));
    client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig))).build();
    await("kube-apiserver /readyz", apiServer, this::apiServerReady);

    if (options.controllers()) {
      ManagedProcess controllerManager =
          launchController(
              "kube-controller-manager",
              bin.controllerManager(),
              controllerManagerToken,
              pki,
              freePort(),
              "--use-service-account-credentials=true",
              "--service-account-private-key-file=" + pki.serviceAccountKey,
              "--root-ca-file=" + pki.caCert,
              "--cluster-signing-cert-file=" + pki.caCert,
              "--cluster-signing-key-file=" + pki.caKey);
      int schedulerPort = freePort();
      ManagedProcess scheduler =
          launchController("kube-scheduler", bin.scheduler(), schedulerToken, pki, schedulerPort);
      // The service-account controller answers for the controller-manager as a whole.
      await(
          "kube-controller-manager (default ServiceAccount created)",
          controllerManager,
          () -> client.serviceAccounts().inNamespace("default").withName("default").get() != null);
      await("kube-scheduler listening", scheduler, () -> listening(schedulerPort));
    }
  }

  /** Applies every CRD in the folder and waits until the API server serves them. */
  public void installCrds(Path directory) {
    List<CustomResourceDefinition> installed = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          installed.add(client.resource(crd).forceConflicts().serverSideApply());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              c ->
                  c.getStatus() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              s ->
                                  "Established".equals(s.getType())
                                      && "True".equals(s.getStatus())),
              1,
              TimeUnit.MINUTES);
    }
  }

  /**
   * The local gateway, started on the first call (Gateway API CRDs, Traefik, GatewayClass and
   * Gateway) and stopped by {@link #close()}. Later calls return the same gateway.
   */
  public synchronized LocalGateway gateway(GatewayBinaries binaries) {
    if (gateway == null) {
      gateway = LocalGateway.start(this, binaries);
    }
    return gateway;
  }

  /** The local gateway if one was started. */
  public synchronized java.util.Optional<LocalGateway> gateway() {
    return java.util.Optional.ofNullable(gateway);
  }

  /** An admin client (group system:masters). The control plane owns and closes it. */
  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig file for the admin user, for kubectl and other processes. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public String serverUrl() {
    return server;
  }

  /** The PEM file of the CA that signed the API server's certificate. */
  public Path certificateAuthority() {
    return certificateAuthority;
  }

  /** The directory the components' logs and state are in; deleted by {@link #close()}. */
  Path workDirectory() {
    return workDir;
  }

  /** The process ids of the running components, to check that none outlives {@link #close()}. */
  public List<ProcessHandle> processes() {
    return processes.stream()
        .map(p -> ProcessHandle.of(p.pid()))
        .flatMap(java.util.Optional::stream)
        .toList();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or has run; it stops the same processes.
    }
    deleteRecursively(workDir);
  }

  private synchronized void stopProcesses() {
    if (gateway != null) {
      gateway.close();
    }
    // Reverse start order: the scheduler and controller-manager before the API server before etcd.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  /**
   * Starts the controller-manager or the scheduler as the token user of the same name, which the
   * API server's bootstrap RBAC policy already grants what the component needs.
   */
  private ManagedProcess launchController(
      String name, Path binary, String token, Pki pki, int port, String... extraFlags) {
    Path config = workDir.resolve(name + ".kubeconfig");
    write(config, kubeconfig("system:" + name, token, pki));
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + config);
    command.add("--authentication-kubeconfig=" + config);
    command.add("--authorization-kubeconfig=" + config);
    command.add("--bind-address=127.0.0.1");
    command.add("--secure-port=" + port);
    command.add("--cert-dir=" + workDir.resolve(name + "-certs"));
    command.add("--leader-elect=false");
    command.addAll(List.of(extraFlags));
    return launch(name, command);
  }

  private ManagedProcess launch(String name, List<String> command) {
    ManagedProcess process = ManagedProcess.start(name, command, workDir);
    processes.add(process);
    return process;
  }

  private boolean apiServerReady() {
    try {
      return "ok".equals(client.raw("/readyz"));
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static void await(String what, ManagedProcess process, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!condition.getAsBoolean()) {
      process.requireAlive();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            what
                + " not reached within "
                + START_TIMEOUT
                + "; last lines of its log:\n"
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

  private static boolean httpOk(String url) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
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

  private String kubeconfig(String user, String token, Pki pki) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: lathe-local
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: lathe-local
          context:
            cluster: lathe-local
            user: %s
            namespace: default
        current-context: lathe-local
        """
        .formatted(server, pki.caCert, user, token, user);
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * A free loopback port below the kernel's ephemeral range (32768 and up on Linux), so that no
   * outgoing connection can take it between this check and the component binding it.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + PORTS.nextInt(12000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback port between 20000 and 31999");
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
