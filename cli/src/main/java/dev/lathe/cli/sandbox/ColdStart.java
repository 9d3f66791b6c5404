package dev.lathe.cli.sandbox;

import dev.lathe.controlplane.GatewayBinaries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** On a cold machine, says up front what is built once and how long it takes, then builds it. */
final class ColdStart {

  private ColdStart() {}

  static void announce(SandboxLayout layout, boolean story, Narrator narrator) {
    List<String> once = new ArrayList<>();
    if (!SandboxCommand.controlPlaneBuilt(layout)) {
      once.add(
          "etcd, kube-apiserver, kube-controller-manager and kube-scheduler from the Kubernetes Go"
              + " modules into "
              + SandboxLayout.cache().resolve("k8s")
              + ": about 5 minutes on 2 cores, 600 MB of modules, 1.9 GiB peak memory");
    }
    if (!gatewayBuilt(layout)) {
      once.add(
          "Traefik (the local cluster's Gateway API implementation) from its Go modules into "
              + SandboxLayout.cache().resolve("gateway")
              + ": a few minutes");
    }
    if (story && !TinyBase.cached()) {
      once.add("the tiny base model, pretrained into " + TinyBase.cache() + ": about 4 minutes");
    }
    if (once.isEmpty()) {
      narrator.phase("warm caches: nothing to build first");
      return;
    }
    narrator.phase("first run on this machine: building once (later runs reuse it)");
    once.forEach(o -> narrator.detail("- " + o));
  }

  static void buildControlPlaneIfMissing(SandboxLayout layout, Narrator narrator)
      throws IOException, InterruptedException {
    if (!SandboxCommand.controlPlaneBuilt(layout)) {
      build("the control plane", layout.controlPlaneGoMod(), narrator);
    }
    if (!gatewayBuilt(layout)) {
      build("the gateway", layout.gatewayGoMod(), narrator);
    }
  }

  static boolean gatewayBuilt(SandboxLayout layout) {
    try {
      GatewayBinaries.locate(layout.gatewayGoMod());
      return true;
    } catch (RuntimeException notBuilt) {
      return false;
    }
  }

  private static void build(String what, Path goMod, Narrator narrator)
      throws IOException, InterruptedException {
    narrator.phase("building " + what + " (its progress follows)");
    Process build =
        new ProcessBuilder("bash", goMod.resolveSibling("build.sh").toString()).inheritIO().start();
    if (build.waitFor() != 0) {
      throw new IllegalStateException("building " + what + " failed (see above)");
    }
  }
}
