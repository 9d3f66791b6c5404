package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node whose pods run as local processes: a virtual-kubelet-style kubelet for the local control
 * plane. It registers a Node and keeps it Ready, watches the pods the scheduler binds to it, runs
 * each container's image as a process that an {@link ImageResolver} names, reports pod status as a
 * kubelet does, and stops the processes and confirms the deletion when a pod is deleted.
 *
 * <p>The one place it differs from a real node: a process sees the machine's file system, not the
 * container's. Volumes are local directories, and every mount path (and the termination message
 * path) that appears in an env value, a command or an argument is rewritten to the local path — see
 * {@link MountPathRewriter} and the README.
 *
 * <p>{@link #close()} stops every process and deletes the Node; a JVM shutdown hook kills the
 * processes if the JVM ends first.
 */
public final class LocalKubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
  private static final Duration SCHEDULABLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /**
   * How often every mounted ConfigMap is compared with its volume even without a change event, the
   * bound on a missed watch event. A change normally reaches the files within about a second of the
   * API server accepting it (the watch event); a kubelet's own bound is its sync period plus its
   * cache TTL, about a minute by default.
   */
  static final Duration CONFIG_MAP_RESYNC = Duration.ofSeconds(10);

  /**
   * What the node is and where its pods live.
   *
   * @param nodeName the Node's name
   * @param labels extra node labels (kubernetes.io/hostname, os and arch are always set)
   * @param capacity capacity and allocatable, e.g. cpu, memory, pods, nvidia.com/gpu; the scheduler
   *     accounts against it, the kubelet enforces nothing
   * @param taints the Node's taints, e.g. nvidia.com/gpu=present:NoSchedule
   * @param rootDirectory pod sandboxes under {@code pods/}, claim directories under {@code
   *     volumes/}
   * @param imageResolver which images run, and how
   */
  public record Options(
      String nodeName,
      Map<String, String> labels,
      Map<String, Quantity> capacity,
      List<Taint> taints,
      Path rootDirectory,
      ImageResolver imageResolver) {

    public Options {
      labels = Map.copyOf(labels);
      capacity = Map.copyOf(capacity);
      taints = List.copyOf(taints);
    }

    /**
     * Node {@code lathe-local} with 16 CPUs, 64Gi of memory and room for 110 pods, no GPUs, no
     * taints, sandboxes under a new temporary directory.
     */
    public static Options defaults(ImageResolver imageResolver) {
      Map<String, Quantity> capacity = new LinkedHashMap<>();
      capacity.put("cpu", new Quantity("16"));
      capacity.put("memory", new Quantity("64Gi"));
      capacity.put("pods", new Quantity("110"));
      capacity.put("ephemeral-storage", new Quantity("100Gi"));
      return new Options("lathe-local", Map.of(), capacity, List.of(), null, imageResolver);
    }

    public Options withNodeName(String name) {
      return new Options(name, labels, capacity, taints, rootDirectory, imageResolver);
    }

    public Options withLabel(String key, String value) {
      Map<String, String> more = new LinkedHashMap<>(labels);
      more.put(key, value);
      return new Options(nodeName, more, capacity, taints, rootDirectory, imageResolver);
    }

    /** Sets one resource's capacity (and allocatable), e.g. {@code ("nvidia.com/gpu", "8")}. */
    public Options withCapacity(String resource, String quantity) {
      Map<String, Quantity> more = new LinkedHashMap<>(capacity);
      more.put(resource, new Quantity(quantity));
      return new Options(nodeName, labels, more, taints, rootDirectory, imageResolver);
    }

    /**
     * Adds a taint; {@code value} may be null, e.g. {@code ("nvidia.com/gpu", null, "NoSchedule")}.
     */
    public Options withTaint(String key, String value, String effect) {
      List<Taint> more = new ArrayList<>(taints);
      more.add(new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build());
      return new Options(nodeName, labels, capacity, more, rootDirectory, imageResolver);
    }

    public Options withRootDirectory(Path directory) {
      return new Options(nodeName, labels, capacity, taints, directory, imageResolver);
    }

    public Options withImageResolver(ImageResolver resolver) {
      return new Options(nodeName, labels, capacity, taints, rootDirectory, resolver);
    }
  }

  private final KubernetesClient client;
  private final Options options;
  private final Path root;
  private final NodeRegistration registration;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final ScheduledExecutorService heartbeats;
  private final Thread shutdownHook;
  private final PodWorker.Node node;
  private SharedIndexInformer<Pod> informer;
  private SharedIndexInformer<ConfigMap> configMaps;
  private SharedIndexInformer<Service> services;
  private final LocalEndpointSlices endpointSlices;
  private final ClusterHostsFile clusterHosts;
  private final Set<String> slicesPending = ConcurrentHashMap.newKeySet();
  private final ExecutorService sliceWriter;
  private LocalClaimProvisioner provisioner;
  private volatile boolean closed;

  private LocalKubelet(KubernetesClient client, Options options, Path root) {
    this.client = client;
    this.options = options;
    this.root = root;
    String version = client.getKubernetesVersion().getGitVersion();
    this.registration = new NodeRegistration(client, options, version);
    AtomicInteger threadCount = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t =
                  new Thread(r, options.nodeName() + "-pod-" + threadCount.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, options.nodeName() + "-heartbeat");
              t.setDaemon(true);
              return t;
            });
    this.node =
        new PodWorker.Node(
            client,
            options.nodeName(),
            options.imageResolver(),
            root,
            URI.create(client.getConfiguration().getMasterUrl()),
            "127.0.0.1",
            threads,
            new ProbeCheck(version),
            new ClusterHostsFile(root.resolve("cluster-hosts")));
    this.shutdownHook =
        new Thread(() -> workers.values().forEach(PodWorker::kill), options.nodeName() + "-kill");
    this.endpointSlices = new LocalEndpointSlices(client, options.nodeName());
    this.clusterHosts = node.clusterHosts();
    this.sliceWriter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, options.nodeName() + "-endpointslices");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Registers the node, waits until the control plane lets pods be scheduled on it, and starts
   * running the pods bound to it.
   */
  public static LocalKubelet start(KubernetesClient client, Options options) {
    Path root = options.rootDirectory();
    try {
      root = root == null ? Files.createTempDirectory("lathe-kubelet-") : root;
      Files.createDirectories(root.resolve("pods"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalKubelet kubelet = new LocalKubelet(client, options, root.toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(kubelet.shutdownHook);
    try {
      kubelet.registration.register();
      kubelet.heartbeats.scheduleAtFixedRate(
          kubelet.registration::heartbeat,
          NodeRegistration.HEARTBEAT_INTERVAL.toSeconds(),
          NodeRegistration.HEARTBEAT_INTERVAL.toSeconds(),
          TimeUnit.SECONDS);
      // Before the first pod starts: a JVM told to resolve through a missing file resolves nothing.
      kubelet.clusterHosts.write(List.of());
      kubelet.provisioner = new LocalClaimProvisioner(client, kubelet.root);
      kubelet.informer =
          client
              .pods()
              .inAnyNamespace()
              .withField("spec.nodeName", options.nodeName())
              .inform(kubelet.new PodEvents(), 0);
      kubelet.services =
          client
              .services()
              .inAnyNamespace()
              .inform(kubelet.new ServiceEvents(), CONFIG_MAP_RESYNC.toMillis());
      kubelet.configMaps =
          client
              .configMaps()
              .inAnyNamespace()
              .inform(kubelet.new ConfigMapEvents(), CONFIG_MAP_RESYNC.toMillis());
      kubelet.awaitSchedulable();
    } catch (RuntimeException e) {
      kubelet.close();
      throw e;
    }
    LOG.info("local kubelet: node {} is Ready; pod sandboxes in {}", options.nodeName(), root);
    return kubelet;
  }

  public String nodeName() {
    return options.nodeName();
  }

  public Path rootDirectory() {
    return root;
  }

  /**
   * The log (stdout and stderr) of a container of the newest pod of that name that ran here, for
   * tests to print on failure.
   */
  public Optional<Path> containerLog(String namespace, String podName, String container) {
    String prefix = namespace + "_" + podName + "_";
    try (Stream<Path> sandboxes = Files.list(root.resolve("pods"))) {
      return sandboxes
          .filter(dir -> dir.getFileName().toString().startsWith(prefix))
          .map(dir -> dir.resolve(container + ".log"))
          .filter(Files::isRegularFile)
          .max(Comparator.comparing(LocalKubelet::modified));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The processes of every running container (and their children), e.g. to check none is left. */
  public List<ProcessHandle> processes() {
    return workers.values().stream().flatMap(w -> w.processes().stream()).toList();
  }

  /** Stops every process (SIGTERM, SIGKILL after a few seconds) and deletes the Node. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (informer != null) {
      informer.close();
    }
    if (configMaps != null) {
      configMaps.close();
    }
    if (services != null) {
      services.close();
    }
    sliceWriter.shutdownNow();
    if (provisioner != null) {
      provisioner.close();
    }
    heartbeats.shutdownNow();
    List<Thread> stoppers = new ArrayList<>();
    for (PodWorker worker : workers.values()) {
      Thread t = new Thread(() -> worker.abandon(CLOSE_GRACE), options.nodeName() + "-close");
      t.start();
      stoppers.add(t);
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    threads.shutdownNow();
    registration.deregister();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or has run; it kills the same processes.
    }
  }

  private void awaitSchedulable() {
    Instant deadline = Instant.now().plus(SCHEDULABLE_TIMEOUT);
    while (!registration.schedulable()) {
      if (Instant.now().isAfter(deadline)) {
        LOG.warn(
            "node {} still carries a node.kubernetes.io taint after {}; pods may not be scheduled",
            options.nodeName(),
            SCHEDULABLE_TIMEOUT);
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  /**
   * Rewrites this node's EndpointSlices of a namespace soon (see {@link LocalEndpointSlices});
   * calls that come while one is pending are folded into it.
   */
  private void slicesChanged(String namespace) {
    if (closed || services == null || !slicesPending.add(namespace)) {
      return;
    }
    sliceWriter.execute(
        () -> {
          slicesPending.remove(namespace);
          if (closed) {
            return;
          }
          try {
            endpointSlices.reconcile(
                namespace, services.getStore().list(), () -> informer.getStore().list());
          } catch (RuntimeException e) {
            LOG.warn("endpointslices of namespace {} not written: {}", namespace, e.toString());
          }
          try {
            clusterHosts.write(
                endpointSlices.desiredAll(services.getStore().list(), informer.getStore().list()));
          } catch (RuntimeException e) {
            LOG.warn("cluster names not written: {}", e.toString());
          }
        });
  }

  /** A Service changed: its slice of this node's pods follows. */
  private final class ServiceEvents implements ResourceEventHandler<Service> {
    @Override
    public void onAdd(Service service) {
      slicesChanged(service.getMetadata().getNamespace());
    }

    @Override
    public void onUpdate(Service old, Service service) {
      slicesChanged(service.getMetadata().getNamespace());
    }

    @Override
    public void onDelete(Service service, boolean finalStateUnknown) {
      // Its slices are owned by it: the garbage collector deletes them.
    }
  }

  /** Hands ConfigMap changes to the workers whose pods mount them, off the informer's thread. */
  private final class ConfigMapEvents implements ResourceEventHandler<ConfigMap> {

    @Override
    public void onAdd(ConfigMap configMap) {
      dispatch(configMap);
    }

    @Override
    public void onUpdate(ConfigMap old, ConfigMap configMap) {
      dispatch(configMap);
    }

    @Override
    public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
      // A kubelet keeps the last files it wrote when the ConfigMap goes away; so does this one.
    }

    private void dispatch(ConfigMap configMap) {
      if (closed || workers.isEmpty()) {
        return;
      }
      for (PodWorker worker : workers.values()) {
        threads.execute(
            () -> {
              try {
                worker.configMapChanged(configMap);
              } catch (RuntimeException e) {
                LOG.warn(
                    "configmap {}/{}: a pod's volume was not updated: {}",
                    configMap.getMetadata().getNamespace(),
                    configMap.getMetadata().getName(),
                    e.toString());
              }
            });
      }
    }
  }

  /** Turns pod events into work; never blocks the informer's thread. */
  private final class PodEvents implements ResourceEventHandler<Pod> {

    @Override
    public void onAdd(Pod pod) {
      dispatch(pod);
      slicesChanged(pod.getMetadata().getNamespace());
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      dispatch(pod);
      slicesChanged(pod.getMetadata().getNamespace());
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      slicesChanged(pod.getMetadata().getNamespace());
      PodWorker worker = workers.remove(pod.getMetadata().getUid());
      if (worker != null) {
        // Gone from the API without waiting for us (force-deleted): just stop its processes.
        threads.execute(() -> worker.abandon(Duration.ZERO));
      }
    }

    private void dispatch(Pod pod) {
      if (closed) {
        return;
      }
      String uid = pod.getMetadata().getUid();
      boolean deleting = pod.getMetadata().getDeletionTimestamp() != null;
      PodWorker worker = workers.get(uid);
      if (worker != null) {
        if (deleting) {
          threads.execute(() -> worker.stop(pod.getMetadata().getDeletionGracePeriodSeconds()));
        }
        return;
      }
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (deleting) {
        // A pod this kubelet never ran (or ran before a restart): nothing to stop, just confirm.
        threads.execute(() -> deleteNow(pod));
        return;
      }
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return;
      }
      PodWorker fresh = new PodWorker(node, pod);
      workers.put(uid, fresh);
      fresh.start();
    }

    private void deleteNow(Pod pod) {
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      } catch (RuntimeException e) {
        LOG.warn("pod {}: not deleted: {}", pod.getMetadata().getName(), e.getMessage());
      }
    }
  }
}
