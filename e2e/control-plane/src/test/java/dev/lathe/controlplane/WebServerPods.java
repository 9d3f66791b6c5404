package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Pods whose one container is Python's {@code http.server} on the pod's own loopback address,
 * serving the files of a mounted ConfigMap: a file that appears or disappears in the ConfigMap
 * turns a probe's path from 404 to 200 and back, which is how these tests steer readiness and
 * liveness from outside the process.
 */
final class WebServerPods {

  static final String IMAGE = "registry.example/lathe-test/web:1";
  static final int PORT = 8080;

  private WebServerPods() {}

  /** A JVM image: its args are a single-file Java program and that program's arguments. */
  static final String JAVA_IMAGE = "registry.example/lathe-test/java:17";

  /**
   * Runs the web image as {@code python3 -m http.server ARGS} (Java 17 has no jwebserver yet) and
   * the JVM image as this JVM's {@code java ARGS}.
   */
  static ImageResolver images() {
    return ImageResolver.byImageSubstring(
        Map.of(
            "lathe-test/web",
            List.of("python3", "-m", "http.server"),
            "lathe-test/java",
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString())));
  }

  static String namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  static ConfigMap site(String ns, String name, Map<String, String> files) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withData(files)
        .build();
  }

  /**
   * A pod on {@code node} labelled app={@code app}, serving ConfigMap {@code site} from /srv, with
   * a readiness probe on /readyz and a liveness probe on /healthz, both every second; {@code items}
   * maps keys to paths (null: every key at its own name).
   */
  static Pod pod(String ns, String name, String app, String node, String site) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("kubernetes.io/hostname", node)
        .withTerminationGracePeriodSeconds(2L)
        .addNewVolume()
        .withName("site")
        .withNewConfigMap()
        .withName(site)
        .endConfigMap()
        .endVolume()
        .addNewContainer()
        .withName("web")
        .withImage(IMAGE)
        .withArgs("--bind", "$(POD_IP)", "--directory", "/srv", Integer.toString(PORT))
        .addNewEnv()
        .withName("POD_IP")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("status.podIP")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewPort()
        .withName("http")
        .withContainerPort(PORT)
        .endPort()
        .addNewVolumeMount()
        .withName("site")
        .withMountPath("/srv")
        .endVolumeMount()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(1)
        .withFailureThreshold(1)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withPort(new IntOrString(PORT))
        .endHttpGet()
        .withInitialDelaySeconds(2)
        .withPeriodSeconds(1)
        .withFailureThreshold(2)
        .endLivenessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  /** A ClusterIP Service selecting app={@code app}, port 80 to the pods' "http" port. */
  static Service service(String ns, String name, String app) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .addToSelector("app", app)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  /** The endpoints of the Service's EndpointSlices. */
  static List<Endpoint> endpoints(KubernetesClient client, String ns, String service) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withLabel("kubernetes.io/service-name", service)
        .list()
        .getItems()
        .stream()
        .flatMap(
            s ->
                s.getEndpoints() == null ? java.util.stream.Stream.of() : s.getEndpoints().stream())
        .toList();
  }

  static boolean podReady(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
