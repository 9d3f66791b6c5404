package dev.lathe.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real control plane — etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler with the repository's CRDs installed — started once per test JVM and stopped when
 * the run ends. Test methods and constructors may take a {@link LocalControlPlane} or a {@link
 * KubernetesClient} parameter, and a {@link LocalGateway} parameter to have the local gateway too.
 * Tests share the control plane, so each works in namespaces of its own.
 */
public final class ControlPlaneExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalControlPlane.class
        || type == KubernetesClient.class
        || type == LocalGateway.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalControlPlane plane = shared(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == LocalGateway.class) {
      return sharedGateway(context);
    }
    return type == KubernetesClient.class ? plane.client() : plane;
  }

  /**
   * The local gateway of this test run (Traefik with the Gateway API CRDs), started on first use
   * against the shared control plane; tests that never ask for it do not pay for it.
   */
  public static LocalGateway sharedGateway(ExtensionContext context) {
    return shared(context)
        .gateway(GatewayBinaries.locate(repositoryRoot().resolve("e2e/gateway/go.mod")));
  }

  /** The control plane of this test run, started on first use. */
  public static LocalControlPlane shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            LocalControlPlane.class,
            key -> {
              Path root = repositoryRoot();
              return LocalControlPlane.start(
                  ControlPlaneBinaries.locate(root.resolve("e2e/control-plane/go.mod")),
                  LocalControlPlane.Options.withControllers()
                      .installingCrdsFrom(root.resolve("crds")));
            },
            LocalControlPlane.class);
  }

  /** The nearest ancestor of the working directory that holds crds/ and pom.xml. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no repository root (crds/ and pom.xml) above " + Path.of("").toAbsolutePath());
  }
}
