package dev.lathe.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local control plane until it is stopped (Ctrl-C or SIGTERM), for trying Lathe on one
 * machine without a cluster: etcd, kube-apiserver, kube-controller-manager and kube-scheduler with
 * Lathe's CRDs installed. Writes the admin kubeconfig to the path given as the first argument once
 * the control plane is ready.
 *
 * <p>Opt-in: with {@code LATHE_LOCAL_IMAGES} set (or the system property {@code
 * lathe.local.images}) it also starts a {@link LocalKubelet}, node {@code lathe-local}, whose pods
 * run as local processes. The value maps image-name substrings to local entrypoints, {@code
 * SUBSTRING=COMMAND ARG...}, several separated by {@code ;} (see {@link ImageResolver#parse}); e.g.
 * {@code lathe-trainer=java -cp /path/to/trainer.jar dev.lathe.trainer.TrainerMain}. {@code
 * LATHE_LOCAL_GPUS} gives the node that many {@code nvidia.com/gpu}. Pod sandboxes and claim
 * directories go to {@code kubelet/} next to the kubeconfig.
 *
 * <p>Opt-in too: {@code LATHE_LOCAL_GATEWAY=true} (or {@code -Dlathe.local.gateway=true}) starts
 * the {@link LocalGateway} (Traefik, built by e2e/gateway/build.sh) and writes its URL to {@code
 * gateway-url} next to the kubeconfig.
 */
public final class LocalControlPlaneMain {

  private LocalControlPlaneMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: LocalControlPlaneMain KUBECONFIG_PATH");
      System.exit(2);
    }
    Path root = ControlPlaneExtension.repositoryRoot();
    LocalControlPlane plane =
        LocalControlPlane.start(
            ControlPlaneBinaries.locate(root.resolve("e2e/control-plane/go.mod")),
            LocalControlPlane.Options.withControllers().installingCrdsFrom(root.resolve("crds")));
    Path target = Path.of(args[0]);
    startGatewayIfAsked(plane, root, target.toAbsolutePath().getParent());
    LocalKubelet kubelet = startKubeletIfAsked(plane, target.toAbsolutePath().getParent());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (kubelet != null) {
                    kubelet.close();
                  }
                  plane.close();
                  stopped.countDown();
                },
                "lathe-local-control-plane-stop"));
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path staging =
        Files.createTempFile(target.toAbsolutePath().getParent(), ".kubeconfig-", ".tmp");
    Files.copy(plane.kubeconfig(), staging, StandardCopyOption.REPLACE_EXISTING);
    // Written last and atomically: its appearance tells a script the API server is ready.
    Files.move(
        staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.err.println(
        "local control plane ready at " + plane.serverUrl() + "; kubeconfig " + target);
    stopped.await();
  }

  /**
   * With {@code LATHE_LOCAL_GATEWAY=true} (or {@code -Dlathe.local.gateway=true}) starts the local
   * gateway and writes its URL to {@code gateway-url} next to the kubeconfig, for scripts.
   */
  private static void startGatewayIfAsked(LocalControlPlane plane, Path root, Path stateDirectory)
      throws IOException {
    String asked = System.getProperty("lathe.local.gateway", System.getenv("LATHE_LOCAL_GATEWAY"));
    if (!Boolean.parseBoolean(asked)) {
      return;
    }
    LocalGateway gateway =
        plane.gateway(GatewayBinaries.locate(root.resolve("e2e/gateway/go.mod")));
    Files.createDirectories(stateDirectory);
    Files.writeString(stateDirectory.resolve("gateway-url"), gateway.url() + "\n");
    System.err.println(
        "local gateway: Gateway "
            + LocalGateway.NAMESPACE
            + "/"
            + LocalGateway.GATEWAY
            + " (Traefik) at "
            + gateway.url());
  }

  private static LocalKubelet startKubeletIfAsked(LocalControlPlane plane, Path stateDirectory) {
    String images = System.getProperty("lathe.local.images", System.getenv("LATHE_LOCAL_IMAGES"));
    if (images == null || images.isBlank()) {
      return null;
    }
    LocalKubelet.Options options =
        LocalKubelet.Options.defaults(ImageResolver.parse(images))
            .withRootDirectory(stateDirectory.resolve("kubelet"));
    String gpus = System.getenv("LATHE_LOCAL_GPUS");
    if (gpus != null && !gpus.isBlank()) {
      options = options.withCapacity("nvidia.com/gpu", gpus.strip());
    }
    LocalKubelet kubelet = LocalKubelet.start(plane.client(), options);
    System.err.println(
        "local kubelet: node "
            + kubelet.nodeName()
            + " runs pods of images matching "
            + images
            + "; sandboxes in "
            + kubelet.rootDirectory());
    return kubelet;
  }
}
