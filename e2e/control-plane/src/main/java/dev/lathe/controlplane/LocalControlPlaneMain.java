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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  plane.close();
                  stopped.countDown();
                },
                "lathe-local-control-plane-stop"));
    Path target = Path.of(args[0]);
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
}
